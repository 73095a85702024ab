"""The API documentation works on a closed government network: nothing from a CDN."""


def test_api_docs_render_from_local_files(page, live_server):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(page.base) and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto(page.base + "/api/docs")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=15_000)
    tags = page.locator(".opblock-tag").all_inner_texts()
    assert any("Thủ tục hành chính" in t for t in tags)
    assert any("Hồ sơ" in t for t in tags)
    assert outside == []
