<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16-Białowieża" styleCategories="Symbology">
<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols><symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" locked="0" pass="0"><prop k="color" v="107,174,214,70"/><prop k="style" v="solid"/><prop k="outline_color" v="8,48,107,255"/><prop k="outline_style" v="solid"/><prop k="outline_width" v="0.3"/><prop k="outline_width_unit" v="MM"/><prop k="joinstyle" v="bevel"/></layer></symbol></symbols><rotation/><sizescale/></renderer-v2>
<layerGeometryType>2</layerGeometryType>
</qgis>
