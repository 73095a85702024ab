"""One append-only history for every subject (dossier, feedback, reform task, unit …).

Current state lives on the subject's own row for fast queries; it is always derivable from
these rows. Rows are written only by ``ledger.services.event_record`` and never changed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    subject_type = models.CharField(_("loại đối tượng"), max_length=40)
    subject_id = models.CharField(_("mã đối tượng"), max_length=64)
    seq = models.PositiveIntegerField(_("thứ tự"))
    action = models.CharField(_("hành động"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("tên người thực hiện"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm (máy chủ)"))
    payload = models.JSONField(_("nội dung"), default=dict, blank=True)
    prev_hash = models.CharField(_("băm trước"), max_length=64, blank=True)
    hash = models.CharField(_("băm"), max_length=64)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "seq"], name="ledger_event_subject_seq"
            )
        ]
        indexes = [models.Index(fields=["at"], name="ledger_event_at")]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id}#{self.seq} {self.action}"


class Seal(models.Model):
    """One link of the global chain, written by the sealing step in event id order.

    ``hash`` = SHA-256(previous link's hash | event id | event hash). Sealed ids always form
    a prefix of all event ids: the sealer locks out writers while it works, so an event
    that commits later gets a higher id. Subject and seq are copied for reports only.
    """

    event = models.OneToOneField(
        Event,
        verbose_name=_("sự kiện"),
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="seal",
    )
    subject_type = models.CharField(_("loại đối tượng"), max_length=40)
    subject_id = models.CharField(_("mã đối tượng"), max_length=64)
    seq = models.PositiveIntegerField(_("thứ tự"))
    prev_hash = models.CharField(_("mắt xích trước"), max_length=64, blank=True)
    hash = models.CharField(_("mắt xích"), max_length=64)
    sealed_at = models.DateTimeField(_("thời điểm niêm phong"))

    class Meta:
        verbose_name = _("niêm phong chuỗi toàn cục")
        verbose_name_plural = _("niêm phong chuỗi toàn cục")
        ordering = ["event_id"]

    def __str__(self) -> str:
        return f"#{self.event_id} {self.hash[:12]}"


class DailyRoot(models.Model):
    """The published fingerprint of one day (Asia/Ho_Chi_Minh) of history.

    ``merkle_root`` covers the hashes of the events whose server time falls on ``day``, in
    id order; ``chain_head`` is the global chain's last link when the root was built; each
    root chains to the previous day's through ``prev_hash``.
    """

    day = models.DateField(_("ngày"), unique=True)
    event_count = models.PositiveIntegerField(_("số sự kiện"))
    merkle_root = models.CharField(_("gốc Merkle"), max_length=64)
    chain_head_event_id = models.BigIntegerField(_("sự kiện cuối chuỗi"))
    chain_head = models.CharField(_("mắt xích cuối chuỗi"), max_length=64, blank=True)
    prev_hash = models.CharField(_("gốc ngày trước"), max_length=64, blank=True)
    hash = models.CharField(_("băm gốc ngày"), max_length=64)
    created_at = models.DateTimeField(_("thời điểm lập"))

    class Meta:
        verbose_name = _("gốc ngày")
        verbose_name_plural = _("gốc ngày")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.merkle_root[:12]}"


class VerifyRun(models.Model):
    """The result of one full verification (nightly task or command)."""

    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"))
    ok = models.BooleanField(_("toàn vẹn"))
    events = models.PositiveBigIntegerField(_("số sự kiện"))
    roots = models.PositiveIntegerField(_("số gốc ngày"))
    problem_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    first_problem = models.TextField(_("lỗi đầu tiên"), blank=True)

    class Meta:
        verbose_name = _("lần kiểm tra sổ cái")
        verbose_name_plural = _("lần kiểm tra sổ cái")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {'OK' if self.ok else 'LỖI'}"


class TreeTile(models.Model):
    """The hash of one complete block of 256 leaves of the global tree (written by sealing).

    Leaf i of the tree is the i-th sealed event in id order (leaf = SHA-256(0x00 || event
    hash)). Block k holds leaves 256·k … 256·k + 255; ``last_event_id`` is the id of its last
    event, so the events of block k+1 are the next 256 events after it. Derived data, kept so
    that a proof at ten million events reads thousands of rows, not millions; ``verify``
    recomputes every tile.
    """

    index = models.PositiveBigIntegerField(_("khối"), primary_key=True)
    last_event_id = models.BigIntegerField(_("sự kiện cuối của khối"))
    hash = models.CharField(_("băm khối"), max_length=64)

    class Meta:
        verbose_name = _("khối cây Merkle")
        verbose_name_plural = _("khối cây Merkle")
        ordering = ["index"]

    def __str__(self) -> str:
        return f"#{self.index} {self.hash[:12]}"


class Checkpoint(models.Model):
    """A signed checkpoint of the global tree (C2SP tlog-checkpoint), one after each seal.

    ``note`` is the whole signed note as published; ``name`` is set for the checkpoint kept
    for a day (``day:2026-03-02``, made with that day's root).
    """

    tree_size = models.PositiveBigIntegerField(_("số lá"))
    root_hash = models.CharField(_("gốc cây"), max_length=64)
    last_event_id = models.BigIntegerField(_("sự kiện cuối"), default=0)
    name = models.CharField(_("tên"), max_length=40, blank=True, db_index=True)
    note = models.TextField(_("điểm kiểm tra đã ký"))
    created_at = models.DateTimeField(_("thời điểm lập"))

    class Meta:
        verbose_name = _("điểm kiểm tra đã ký")
        verbose_name_plural = _("điểm kiểm tra đã ký")
        ordering = ["id"]
        indexes = [models.Index(fields=["tree_size"], name="ledger_checkpoint_size")]

    def __str__(self) -> str:
        return f"{self.tree_size} {self.root_hash[:12]}"
