# Sourced by the scale-out tests: the Rutland sample's inputs as the start of a job file.
# usage: rutland_job_inputs DATA_DIR OUTPUT   (prints [job] to [[services]] for the GP sites)
rutland_job_inputs() {
  cat <<JOB
[job]
output = "$2"
[network]
path = "$1/osm/rutland-2018-02-27.osm.pbf"
[areas]
path = "$1/boundaries/lsoa11.geojson"
code_field = "lsoa11_code"
[population]
path = "$1/tables/population_mid2020_lsoa11_single_year_age.csv"
code_field = "lsoa11_code"
field = "total_population"
[[services]]
name = "gp"
path = "$1/services/nhs_choices_2014_gp.geojson"
id_field = "OrganisationID"
JOB
}
