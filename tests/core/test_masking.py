from motcua.core.masking import mask_email, mask_middle, mask_name, mask_phone


def test_an_identifier_keeps_only_its_ends():
    assert mask_middle("038090001234") == "038******234"
    assert mask_middle("12345") == "*****"


def test_a_phone_keeps_its_last_four_digits():
    assert mask_phone("0912000111") == "******0111"
    assert mask_phone("") == ""


def test_an_email_keeps_its_first_letter_and_domain():
    assert mask_email("an.nguyen@example.vn") == "a***@example.vn"
    assert mask_email("no-at-sign") == ""


def test_a_name_keeps_initials_and_the_given_name():
    assert mask_name("Nguyễn Văn An") == "N***** V** An"
    assert mask_name("An") == "A***"
    assert mask_name("") == ""
