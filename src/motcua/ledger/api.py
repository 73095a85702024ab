from ninja import Router

router = Router(tags=["Sổ cái, toàn vẹn dữ liệu"])
