"""Fixed data of the demo province: its units (names as officials write them)."""

from __future__ import annotations

PROVINCE = ("UBND-TINH", "000.00.00.H99", "Ủy ban nhân dân tỉnh Demo", "UBND tỉnh")
SERVICE_CENTRE = (
    "TTPVHCC",
    "000.00.01.H99",
    "Trung tâm Phục vụ hành chính công tỉnh",
    "Trung tâm PVHCC tỉnh",
)

# (code, electronic id, name, short name) — 21 departments and sectors.
DEPARTMENTS = [
    ("VPUBND", "000.00.02.H99", "Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh"),
    ("SNV", "000.00.03.H99", "Sở Nội vụ", "Sở Nội vụ"),
    ("STP", "000.00.04.H99", "Sở Tư pháp", "Sở Tư pháp"),
    ("SKHDT", "000.00.05.H99", "Sở Kế hoạch và Đầu tư", "Sở KH&ĐT"),
    ("STC", "000.00.06.H99", "Sở Tài chính", "Sở Tài chính"),
    ("SCT", "000.00.07.H99", "Sở Công Thương", "Sở Công Thương"),
    ("SNNPTNT", "000.00.08.H99", "Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT"),
    ("SGTVT", "000.00.09.H99", "Sở Giao thông vận tải", "Sở GTVT"),
    ("SXD", "000.00.10.H99", "Sở Xây dựng", "Sở Xây dựng"),
    ("STNMT", "000.00.11.H99", "Sở Tài nguyên và Môi trường", "Sở TN&MT"),
    ("STTTT", "000.00.12.H99", "Sở Thông tin và Truyền thông", "Sở TT&TT"),
    ("SLDTBXH", "000.00.13.H99", "Sở Lao động - Thương binh và Xã hội", "Sở LĐTB&XH"),
    ("SVHTTDL", "000.00.14.H99", "Sở Văn hóa, Thể thao và Du lịch", "Sở VH,TT&DL"),
    ("SKHCN", "000.00.15.H99", "Sở Khoa học và Công nghệ", "Sở KH&CN"),
    ("SGDDT", "000.00.16.H99", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
    ("SYT", "000.00.17.H99", "Sở Y tế", "Sở Y tế"),
    ("TTRA", "000.00.18.H99", "Thanh tra tỉnh", "Thanh tra tỉnh"),
    ("BDT", "000.00.19.H99", "Ban Dân tộc tỉnh", "Ban Dân tộc"),
    ("BQLKKT", "000.00.20.H99", "Ban Quản lý Khu kinh tế tỉnh", "Ban QLKKT tỉnh"),
    ("SNGV", "000.00.21.H99", "Sở Ngoại vụ", "Sở Ngoại vụ"),
    ("CAT", "000.00.22.H99", "Công an tỉnh", "Công an tỉnh"),
]

# 21 district-level units (ended on 30/6/2025).
DISTRICTS = [
    ("Thành phố", "Hà Lam"),
    ("Thị xã", "Kỳ Sơn"),
    ("Thị xã", "Hồng Lĩnh"),
    ("Huyện", "Thạch Hà"),
    ("Huyện", "Cẩm Xuyên"),
    ("Huyện", "Can Lộc"),
    ("Huyện", "Nghi Xuân"),
    ("Huyện", "Đức Thọ"),
    ("Huyện", "Hương Sơn"),
    ("Huyện", "Hương Khê"),
    ("Huyện", "Vũ Quang"),
    ("Huyện", "Lộc Hà"),
    ("Huyện", "Kỳ Anh"),
    ("Huyện", "Tân Phong"),
    ("Huyện", "Yên Bình"),
    ("Huyện", "Phú Lương"),
    ("Huyện", "Đông Hưng"),
    ("Huyện", "Bắc Mỹ"),
    ("Huyện", "Tây Thạnh"),
    ("Huyện", "Nam Hòa"),
    ("Huyện", "Vĩnh Lộc"),
]

COMMUNE_SYLLABLES = [
    "An", "Bình", "Phú", "Thạnh", "Hòa", "Tân", "Long", "Mỹ", "Hưng", "Đông", "Tây", "Nam",
    "Bắc", "Sơn", "Thủy", "Xuân", "Hà", "Lộc", "Phúc", "Thuận", "Đức", "Quang", "Trung", "Hải",
    "Thịnh", "Vĩnh", "Kỳ", "Cẩm", "Yên", "Thạch", "Hương", "Nghi", "Thanh", "Lâm", "Hồng",
    "Tiến", "Thái", "Hợp", "Lạc", "Minh", "Châu", "Điền", "Khánh", "Lĩnh", "Ninh", "Quý",
]  # fmt: skip

REORGANIZATION_DATE = "2025-07-01"
REORGANIZATION_DECISION = "Nghị quyết số 1665/NQ-UBTVQH15 ngày 16/6/2025 (mô phỏng)"
