# Shared by the tests that start a real QGIS desktop under Xvfb (sourced, not run).
# quiet_profile INI: the settings that keep a fresh profile from prompting at start-up
# (QGIS keeps profiles in <profiles-path>/profiles/<name>/QGIS/QGIS3.ini).
quiet_profile() {
  mkdir -p "$(dirname "$1")"
  grep -qs promptWhenMultipleTransformsExist "$1" && return 0
  cat >>"$1" <<'INI'
[projections]
promptWhenMultipleTransformsExist=false
[qgis]
showTips=false
checkVersion=false
INI
}
# start_xvfb WIDTHxHEIGHT: starts a virtual display, exports DISPLAY, stops it on exit.
start_xvfb() {
  local display=:$((90 + RANDOM % 100))
  Xvfb "$display" -screen 0 "${1}x24" >/dev/null 2>&1 &
  xvfb_pid=$!
  trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
  export DISPLAY=$display
  sleep 1
}
