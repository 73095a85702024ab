from ninja import Router

router = Router(tags=["Cổng dịch vụ công"])
