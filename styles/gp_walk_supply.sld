<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
<NamedLayer><se:Name>supply</se:Name><UserStyle><se:Name>supply</se:Name><se:Description><se:Title>supply</se:Title></se:Description><se:FeatureTypeStyle>
<se:Rule><se:Name>supply</se:Name><se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#08519c</se:SvgParameter></se:Fill></se:Mark><se:Size>4</se:Size></se:Graphic></se:PointSymbolizer></se:Rule>
</se:FeatureTypeStyle></UserStyle></NamedLayer>
</StyledLayerDescriptor>
