<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16-Białowieża" styleCategories="Symbology">
<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols><symbol type="marker" name="0" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" enabled="1" locked="0" pass="0"><prop k="color" v="8,81,156,255"/><prop k="name" v="circle"/><prop k="size" v="1.2"/><prop k="size_unit" v="MM"/><prop k="outline_color" v="255,255,255,255"/><prop k="outline_width" v="0.3"/><prop k="outline_width_unit" v="MM"/><prop k="outline_style" v="solid"/></layer></symbol></symbols><rotation/><sizescale/></renderer-v2>
<layerGeometryType>0</layerGeometryType>
</qgis>
