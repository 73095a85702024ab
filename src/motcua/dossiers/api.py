from ninja import Router

router = Router(tags=["Hồ sơ"])
