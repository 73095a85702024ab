from ninja import Router

router = Router(tags=["Đánh giá"])
