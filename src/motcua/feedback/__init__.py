"""Citizens' feedback and petitions (phản ánh, kiến nghị) with an Open311 GeoReport v2 API."""
