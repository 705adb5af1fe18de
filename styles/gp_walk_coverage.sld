<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
<NamedLayer><se:Name>coverage</se:Name><UserStyle><se:Name>coverage</se:Name><se:Description><se:Title>Covered area</se:Title></se:Description><se:FeatureTypeStyle>
<se:Rule><se:Name>covered</se:Name><se:Description><se:Title>covered</se:Title></se:Description><se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#6baed6</se:SvgParameter><se:SvgParameter name="fill-opacity">0.27</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#505050</se:SvgParameter><se:SvgParameter name="stroke-width">0.3</se:SvgParameter></se:Stroke></se:PolygonSymbolizer></se:Rule>
</se:FeatureTypeStyle></UserStyle></NamedLayer>
</StyledLayerDescriptor>
