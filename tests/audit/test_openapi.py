"""The audit app's endpoints keep their addresses beside the ledger's."""


def test_the_proof_and_the_findings_keep_their_api_paths(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/ledger/roots" in paths
    assert "/api/ledger/dossiers/{code}/proof" in paths
    assert "/api/integrity/findings" in paths
