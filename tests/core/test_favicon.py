"""The site's icon: /favicon.ico leads to it and every page names it."""

import pytest


@pytest.mark.django_db
def test_favicon_ico_redirects_to_the_served_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert body.startswith(b"<svg")


@pytest.mark.django_db
def test_pages_name_the_icon(client):
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
