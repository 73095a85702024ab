from ninja import Router

router = Router(tags=["Cải cách hành chính"])
