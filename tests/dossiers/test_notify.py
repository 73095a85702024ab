from motcua.dossiers import tasks
from tests.dossiers.conftest import receive


def test_a_failing_notifier_does_not_silence_the_others(world, monkeypatch):
    # given a dossier and two channels, the first one broken
    dossier = receive(world)
    delivered = []

    def broken(dossier, action):
        raise ConnectionError("SMS gateway down")

    def email(dossier, action):
        delivered.append((dossier.code, action))

    monkeypatch.setattr(tasks, "NOTIFIERS", [broken, email])
    # when the notification task runs
    sent = tasks.dossier_notify.call(dossier.code, "dossier.received")
    # then the working channel still delivered, and only it counts
    assert sent == 1
    assert delivered == [(dossier.code, "dossier.received")]


def test_unknown_dossier_notifies_nobody(db, monkeypatch):
    delivered = []
    monkeypatch.setattr(tasks, "NOTIFIERS", [lambda d, a: delivered.append(a)])
    assert tasks.dossier_notify.call("000.00.00.H99-260101-9999", "dossier.received") == 0
    assert delivered == []
