"""Realistic procedure names per field, used to generate the demo catalog.

Each field lists (object, levels, department code, verbs, components, fee) building blocks; the
generator combines verbs and objects into names officials recognise, such as
"Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ".
"""

from __future__ import annotations

P, C = "province", "commune"

# field code, field name, department code, [(verbs, object, levels)]
FIELDS: list[tuple[str, str, str, list[tuple[tuple[str, ...], str, tuple[str, ...]]]]] = [
    ("DD", "Đất đai", "STNMT", [
        (("Đăng ký", "Đăng ký biến động"), "quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", (P, C)),
        (("Cấp", "Cấp lại", "Cấp đổi"), "giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất", (P, C)),
        (("Đăng ký", "Xóa đăng ký"), "thế chấp quyền sử dụng đất, tài sản gắn liền với đất", (P, C)),
        (("Thẩm định", "Điều chỉnh"), "nhu cầu sử dụng đất để giao đất, cho thuê đất", (P,)),
        (("Giao đất", "Cho thuê đất"), "không thông qua đấu giá quyền sử dụng đất", (P, C)),
        (("Gia hạn",), "sử dụng đất ngoài khu công nghệ cao, khu kinh tế", (P,)),
        (("Chuyển mục đích",), "sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền", (P, C)),
        (("Tách thửa", "Hợp thửa"), "đất", (P, C)),
        (("Hòa giải",), "tranh chấp đất đai", (C,)),
        (("Đính chính",), "giấy chứng nhận đã cấp", (P, C)),
    ]),
    ("XD", "Xây dựng", "SXD", [
        (("Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn"), "giấy phép xây dựng mới đối với nhà ở riêng lẻ", (C, P)),
        (("Cấp", "Điều chỉnh", "Gia hạn"), "giấy phép xây dựng đối với công trình không theo tuyến", (P, C)),
        (("Cấp",), "giấy phép xây dựng sửa chữa, cải tạo công trình", (P, C)),
        (("Cấp",), "giấy phép di dời công trình", (P, C)),
        (("Thẩm định",), "báo cáo nghiên cứu khả thi đầu tư xây dựng", (P,)),
        (("Thẩm định",), "thiết kế xây dựng triển khai sau thiết kế cơ sở", (P,)),
        (("Cấp", "Cấp lại", "Điều chỉnh"), "chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III", (P,)),
        (("Cấp", "Cấp lại"), "chứng chỉ năng lực hoạt động xây dựng", (P,)),
        (("Cung cấp",), "thông tin về quy hoạch xây dựng", (P, C)),
    ]),
    ("HT", "Hộ tịch", "STP", [
        (("Đăng ký",), "khai sinh", (C,)),
        (("Đăng ký",), "khai sinh có yếu tố nước ngoài", (C,)),
        (("Đăng ký",), "kết hôn", (C,)),
        (("Đăng ký",), "kết hôn có yếu tố nước ngoài", (C,)),
        (("Đăng ký",), "khai tử", (C,)),
        (("Đăng ký",), "nhận cha, mẹ, con", (C,)),
        (("Đăng ký", "Đăng ký chấm dứt"), "giám hộ", (C,)),
        (("Cấp",), "giấy xác nhận tình trạng hôn nhân", (C,)),
        (("Cấp", "Cấp bản sao"), "trích lục hộ tịch", (C, P)),
        (("Thay đổi, cải chính, bổ sung",), "thông tin hộ tịch", (C,)),
        (("Đăng ký lại",), "khai sinh, kết hôn, khai tử", (C,)),
        (("Liên thông",), "đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", (C,)),
    ]),
    ("CT", "Chứng thực", "STP", [
        (("Chứng thực",), "bản sao từ bản chính giấy tờ, văn bản", (C,)),
        (("Chứng thực",), "chữ ký trong các giấy tờ, văn bản", (C,)),
        (("Chứng thực",), "hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở", (C,)),
        (("Chứng thực",), "việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch", (C,)),
        (("Chứng thực",), "văn bản thỏa thuận phân chia di sản", (C,)),
        (("Cấp",), "bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực", (C,)),
    ]),
    ("DKKD", "Thành lập và hoạt động của doanh nghiệp", "SKHDT", [
        (("Đăng ký thành lập",), "doanh nghiệp tư nhân", (P,)),
        (("Đăng ký thành lập",), "công ty trách nhiệm hữu hạn một thành viên", (P,)),
        (("Đăng ký thành lập",), "công ty trách nhiệm hữu hạn hai thành viên trở lên", (P,)),
        (("Đăng ký thành lập",), "công ty cổ phần", (P,)),
        (("Đăng ký thay đổi",), "nội dung đăng ký doanh nghiệp", (P,)),
        (("Thông báo",), "tạm ngừng kinh doanh", (P,)),
        (("Đăng ký",), "giải thể doanh nghiệp", (P,)),
        (("Cấp đổi",), "giấy chứng nhận đăng ký doanh nghiệp", (P,)),
    ]),
    ("HKD", "Thành lập và hoạt động của hộ kinh doanh", "SKHDT", [
        (("Đăng ký thành lập", "Đăng ký thay đổi nội dung", "Cấp lại giấy chứng nhận đăng ký"), "hộ kinh doanh", (C,)),
        (("Tạm ngừng", "Chấm dứt"), "hoạt động hộ kinh doanh", (C,)),
    ]),
    ("DT", "Đầu tư tại Việt Nam", "SKHDT", [
        (("Chấp thuận",), "chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh", (P,)),
        (("Cấp", "Điều chỉnh"), "giấy chứng nhận đăng ký đầu tư", (P,)),
        (("Gia hạn",), "thời hạn hoạt động của dự án đầu tư", (P,)),
        (("Chấm dứt",), "hoạt động của dự án đầu tư", (P,)),
    ]),
    ("LDTBXH", "Lao động - Thương binh và Xã hội", "SLDTBXH", [
        (("Cấp", "Cấp lại", "Gia hạn"), "giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", (P,)),
        (("Thực hiện", "Điều chỉnh", "Thôi hưởng"), "trợ cấp xã hội hằng tháng", (C,)),
        (("Hỗ trợ",), "chi phí mai táng cho đối tượng bảo trợ xã hội", (C,)),
        (("Giải quyết",), "chế độ trợ cấp một lần đối với thân nhân người có công với cách mạng", (P,)),
        (("Xác nhận",), "hộ nghèo, hộ cận nghèo phát sinh trong năm", (C,)),
        (("Đăng ký", "Cấp lại"), "giấy phép hoạt động dịch vụ việc làm", (P,)),
        (("Giải quyết",), "hưởng trợ cấp thất nghiệp", (P,)),
        (("Cấp",), "giấy phép hoạt động cho thuê lại lao động", (P,)),
    ]),
    ("GD", "Giáo dục và Đào tạo", "SGDDT", [
        (("Thành lập", "Cho phép hoạt động", "Sáp nhập, chia, tách"), "trường trung học phổ thông", (P,)),
        (("Thành lập", "Cho phép hoạt động"), "trường mầm non, nhà trẻ", (C,)),
        (("Cấp", "Chỉnh sửa nội dung"), "văn bằng, chứng chỉ", (P, C)),
        (("Cấp",), "bản sao văn bằng, chứng chỉ từ sổ gốc", (P, C)),
        (("Chuyển trường",), "đối với học sinh trung học phổ thông", (P,)),
        (("Xét",), "đặc cách tốt nghiệp trung học phổ thông", (P,)),
        (("Cấp phép",), "hoạt động giáo dục kỹ năng sống và hoạt động giáo dục ngoài giờ chính khóa", (P,)),
    ]),
    ("YT", "Y tế", "SYT", [
        (("Cấp", "Cấp lại", "Điều chỉnh"), "giấy phép hành nghề khám bệnh, chữa bệnh", (P,)),
        (("Cấp", "Điều chỉnh"), "giấy phép hoạt động đối với phòng khám đa khoa", (P,)),
        (("Cấp", "Cấp lại"), "chứng chỉ hành nghề dược", (P,)),
        (("Cấp",), "giấy chứng nhận đủ điều kiện kinh doanh dược", (P,)),
        (("Cấp",), "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", (P,)),
        (("Công bố",), "đủ điều kiện thực hiện khám sức khỏe", (P,)),
    ]),
    ("GTVT", "Đường bộ", "SGTVT", [
        (("Cấp", "Cấp lại", "Đổi"), "giấy phép lái xe", (P,)),
        (("Cấp", "Cấp lại"), "giấy phép kinh doanh vận tải bằng xe ô tô", (P,)),
        (("Cấp",), "phù hiệu xe ô tô kinh doanh vận tải", (P,)),
        (("Cấp",), "giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn trên đường bộ", (P,)),
        (("Chấp thuận",), "xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng giao thông", (P,)),
        (("Cấp",), "giấy phép thi công công trình trên đường bộ đang khai thác", (P,)),
    ]),
    ("TP", "Tư pháp - Luật sư, công chứng", "STP", [
        (("Cấp", "Cấp lại"), "phiếu lý lịch tư pháp", (P,)),
        (("Đăng ký", "Thay đổi nội dung đăng ký"), "hoạt động của tổ chức hành nghề luật sư", (P,)),
        (("Thành lập", "Đăng ký hoạt động"), "văn phòng công chứng", (P,)),
        (("Bổ nhiệm", "Miễn nhiệm"), "công chứng viên", (P,)),
        (("Đăng ký",), "hành nghề và cấp thẻ công chứng viên", (P,)),
        (("Cấp",), "thẻ đấu giá viên", (P,)),
    ]),
    ("MT", "Môi trường", "STNMT", [
        (("Cấp", "Cấp điều chỉnh", "Cấp lại"), "giấy phép môi trường", (P, C)),
        (("Thẩm định",), "báo cáo đánh giá tác động môi trường", (P,)),
        (("Đăng ký",), "môi trường", (C,)),
        (("Cấp", "Gia hạn", "Điều chỉnh"), "giấy phép khai thác nước dưới đất", (P,)),
        (("Cấp", "Gia hạn"), "giấy phép xả nước thải vào nguồn nước", (P,)),
        (("Cấp", "Gia hạn"), "giấy phép khai thác khoáng sản", (P,)),
    ]),
    ("CTH", "Công Thương", "SCT", [
        (("Cấp", "Cấp lại", "Cấp sửa đổi, bổ sung"), "giấy phép bán lẻ sản phẩm thuốc lá", (P, C)),
        (("Cấp", "Cấp lại", "Cấp sửa đổi, bổ sung"), "giấy phép bán lẻ rượu", (P, C)),
        (("Cấp", "Cấp lại"), "giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu", (P,)),
        (("Cấp", "Cấp lại"), "giấy chứng nhận đủ điều kiện thương nhân kinh doanh khí", (P,)),
        (("Cấp", "Điều chỉnh"), "giấy phép hoạt động điện lực", (P,)),
        (("Đăng ký",), "thực hiện khuyến mại", (P,)),
    ]),
    ("NN", "Nông nghiệp và Phát triển nông thôn", "SNNPTNT", [
        (("Cấp", "Cấp lại"), "giấy chứng nhận cơ sở đủ điều kiện buôn bán thuốc bảo vệ thực vật", (P,)),
        (("Cấp", "Cấp lại"), "giấy chứng nhận đủ điều kiện buôn bán phân bón", (P,)),
        (("Cấp",), "giấy chứng nhận kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn cấp tỉnh", (P,)),
        (("Phê duyệt", "Điều chỉnh"), "phương án quản lý rừng bền vững", (P,)),
        (("Hỗ trợ",), "khôi phục sản xuất vùng bị thiệt hại do thiên tai, dịch bệnh", (C,)),
        (("Công nhận",), "làng nghề, nghề truyền thống", (P,)),
    ]),
    ("VH", "Văn hóa, Thể thao và Du lịch", "SVHTTDL", [
        (("Cấp", "Cấp lại"), "giấy phép kinh doanh dịch vụ karaoke", (C, P)),
        (("Cấp",), "giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", (P,)),
        (("Công nhận",), "hạng cơ sở lưu trú du lịch", (P,)),
        (("Cấp", "Cấp đổi", "Cấp lại"), "thẻ hướng dẫn viên du lịch", (P,)),
        (("Tổ chức",), "lễ hội cấp tỉnh", (P,)),
        (("Thông báo",), "tổ chức lễ hội", (C,)),
    ]),
    ("TTTT", "Thông tin và Truyền thông", "STTTT", [
        (("Cấp", "Sửa đổi, bổ sung", "Gia hạn"), "giấy phép xuất bản bản tin", (P,)),
        (("Cấp",), "giấy phép thiết lập trang thông tin điện tử tổng hợp", (P,)),
        (("Cấp", "Gia hạn"), "giấy phép hoạt động in", (P,)),
        (("Đăng ký",), "hoạt động cơ sở in", (P,)),
    ]),
    ("NV", "Nội vụ - Thi đua, khen thưởng, tôn giáo", "SNV", [
        (("Tặng",), "bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", (P,)),
        (("Tặng",), "giấy khen của Chủ tịch Ủy ban nhân dân cấp xã", (C,)),
        (("Công nhận",), "ban vận động thành lập hội", (P,)),
        (("Thành lập", "Giải thể", "Phê duyệt điều lệ"), "hội", (P,)),
        (("Đăng ký",), "hoạt động tín ngưỡng", (C,)),
        (("Thông báo",), "tổ chức quyên góp ngoài địa bàn một xã nhưng trong địa bàn một tỉnh", (P,)),
        (("Thi tuyển", "Xét tuyển"), "công chức, viên chức", (P,)),
    ]),
    ("TC", "Tài chính - Quản lý công sản", "STC", [
        (("Quyết định",), "thanh lý tài sản công", (P,)),
        (("Quyết định",), "điều chuyển tài sản công", (P,)),
        (("Thẩm tra",), "quyết toán vốn đầu tư dự án hoàn thành", (P,)),
        (("Đăng ký",), "mã số đơn vị có quan hệ với ngân sách", (P,)),
    ]),
    ("KHCN", "Khoa học và Công nghệ", "SKHCN", [
        (("Cấp", "Cấp lại"), "giấy chứng nhận đăng ký hoạt động khoa học và công nghệ", (P,)),
        (("Cấp", "Gia hạn"), "giấy phép tiến hành công việc bức xạ", (P,)),
        (("Công bố",), "hợp chuẩn, hợp quy", (P,)),
    ]),
    ("DTOC", "Công tác dân tộc", "BDT", [
        (("Công nhận", "Đưa ra khỏi danh sách"), "người có uy tín trong đồng bào dân tộc thiểu số", (P, C)),
        (("Hỗ trợ",), "đất ở, nhà ở cho hộ đồng bào dân tộc thiểu số nghèo", (C,)),
    ]),
    ("KKT", "Khu kinh tế, khu công nghiệp", "BQLKKT", [
        (("Cấp", "Điều chỉnh"), "giấy chứng nhận đăng ký đầu tư trong khu kinh tế", (P,)),
        (("Cấp", "Cấp lại"), "giấy phép lao động cho người nước ngoài làm việc trong khu kinh tế", (P,)),
        (("Đăng ký",), "nội quy lao động của doanh nghiệp trong khu công nghiệp", (P,)),
    ]),
    ("NGV", "Ngoại vụ", "SNGV", [
        (("Cho phép",), "tổ chức hội nghị, hội thảo quốc tế", (P,)),
        (("Xin phép",), "cho cán bộ, công chức đi nước ngoài", (P,)),
    ]),
    ("TTRA", "Thanh tra - Tiếp công dân, giải quyết khiếu nại", "TTRA", [
        (("Giải quyết",), "khiếu nại lần đầu", (P, C)),
        (("Giải quyết",), "khiếu nại lần hai", (P,)),
        (("Giải quyết",), "tố cáo", (P, C)),
        (("Tiếp",), "công dân", (P, C)),
        (("Xử lý",), "đơn kiến nghị, phản ánh", (P, C)),
    ]),
    ("CA", "Đăng ký, quản lý cư trú", "CAT", [
        (("Đăng ký",), "thường trú", (C,)),
        (("Đăng ký",), "tạm trú", (C,)),
        (("Khai báo",), "tạm vắng", (C,)),
        (("Xóa đăng ký",), "thường trú", (C,)),
        (("Xác nhận",), "thông tin về cư trú", (C,)),
    ]),
]  # fmt: skip

COMPONENT_POOL = {
    "request": ("Đơn đề nghị {verb_lower} {obj} (theo mẫu)", "Mẫu số 01"),
    "id": ("Bản sao Căn cước công dân hoặc giấy tờ tùy thân có ảnh của người đề nghị", ""),
    "power": ("Văn bản ủy quyền (trường hợp nộp thay)", ""),
}

FIELD_COMPONENTS = {
    "DD": ["Giấy chứng nhận quyền sử dụng đất đã cấp", "Mảnh trích đo địa chính thửa đất", "Hợp đồng, văn bản về việc chuyển quyền sử dụng đất"],
    "XD": ["Bản sao giấy tờ chứng minh quyền sử dụng đất", "02 bộ bản vẽ thiết kế xây dựng", "Bản kê khai năng lực, kinh nghiệm của tổ chức, cá nhân thiết kế"],
    "HT": ["Giấy chứng sinh hoặc văn bản của người làm chứng", "Tờ khai theo mẫu quy định", "Giấy tờ chứng minh nơi cư trú"],
    "CT": ["Bản chính giấy tờ, văn bản làm cơ sở để chứng thực", "Dự thảo hợp đồng, giao dịch"],
    "DKKD": ["Điều lệ công ty", "Danh sách thành viên hoặc cổ đông sáng lập", "Bản sao giấy tờ pháp lý của người đại diện theo pháp luật"],
    "HKD": ["Giấy đề nghị đăng ký hộ kinh doanh", "Biên bản họp thành viên hộ gia đình"],
    "DT": ["Đề xuất dự án đầu tư", "Bản sao báo cáo tài chính 02 năm gần nhất của nhà đầu tư", "Đề xuất nhu cầu sử dụng đất"],
    "LDTBXH": ["Tờ khai thông tin của đối tượng", "Giấy xác nhận khuyết tật (nếu có)", "Phiếu lý lịch tư pháp"],
    "GD": ["Tờ trình đề nghị", "Đề án thành lập trường", "Bản sao văn bằng, chứng chỉ của người đứng đầu"],
    "YT": ["Bản sao văn bằng chuyên môn", "Giấy chứng nhận sức khỏe", "Danh sách người hành nghề"],
    "GTVT": ["Giấy khám sức khỏe của người lái xe", "Bản sao giấy phép lái xe đã cấp", "Giấy chứng nhận đăng ký xe"],
    "TP": ["Tờ khai yêu cầu cấp phiếu lý lịch tư pháp", "Giấy tờ chứng minh nơi thường trú"],
    "MT": ["Báo cáo đề xuất cấp giấy phép môi trường", "Bản sao quyết định phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường"],
    "CTH": ["Bản sao hợp đồng mua bán với nhà cung cấp", "Bản sao giấy chứng nhận đăng ký doanh nghiệp"],
    "NN": ["Bản thuyết minh điều kiện cơ sở vật chất", "Bản sao giấy chứng nhận chuyên môn"],
    "VH": ["Bản sao giấy chứng nhận đăng ký kinh doanh", "Bản vẽ mặt bằng phòng hát"],
    "TTTT": ["Bản sao quyết định thành lập", "Mẫu trình bày tên gọi của bản tin"],
    "NV": ["Tờ trình đề nghị khen thưởng", "Báo cáo thành tích của cá nhân, tập thể", "Dự thảo điều lệ hội"],
    "TC": ["Tờ trình đề nghị", "Danh mục tài sản đề nghị xử lý"],
    "KHCN": ["Bản sao quyết định thành lập tổ chức", "Báo cáo đánh giá an toàn bức xạ"],
    "DTOC": ["Danh sách đề nghị công nhận", "Biên bản họp thôn, bản"],
    "KKT": ["Đề xuất dự án đầu tư trong khu kinh tế", "Bản sao hợp đồng thuê đất"],
    "NGV": ["Văn bản đề nghị", "Chương trình, danh sách đại biểu"],
    "TTRA": ["Đơn khiếu nại hoặc văn bản ghi lại nội dung khiếu nại", "Tài liệu, chứng cứ kèm theo"],
    "CA": ["Tờ khai thay đổi thông tin cư trú", "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp"],
}  # fmt: skip

RESULT_BY_VERB = {
    "Cấp": "Giấy phép / giấy chứng nhận",
    "Đăng ký": "Giấy chứng nhận đăng ký",
    "Chứng thực": "Bản sao, văn bản được chứng thực",
    "Thẩm định": "Thông báo kết quả thẩm định",
}

FIELD_LAWS = {
    "DD": "Luật Đất đai số 31/2024/QH15; Nghị định số 101/2024/NĐ-CP",
    "XD": "Luật Xây dựng số 50/2014/QH13, sửa đổi bởi Luật số 62/2020/QH14; Nghị định số 15/2021/NĐ-CP",
    "HT": "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP",
    "CT": "Nghị định số 23/2015/NĐ-CP về cấp bản sao từ sổ gốc, chứng thực",
    "DKKD": "Luật Doanh nghiệp số 59/2020/QH14; Nghị định số 01/2021/NĐ-CP",
    "HKD": "Nghị định số 01/2021/NĐ-CP về đăng ký doanh nghiệp",
    "DT": "Luật Đầu tư số 61/2020/QH14; Nghị định số 31/2021/NĐ-CP",
    "LDTBXH": "Bộ luật Lao động số 45/2019/QH14; Nghị định số 20/2021/NĐ-CP",
    "GD": "Luật Giáo dục số 43/2019/QH14",
    "YT": "Luật Khám bệnh, chữa bệnh số 15/2023/QH15; Luật Dược số 105/2016/QH13",
    "GTVT": "Luật Trật tự, an toàn giao thông đường bộ số 36/2024/QH15",
    "MT": "Luật Bảo vệ môi trường số 72/2020/QH14",
    "CA": "Luật Cư trú số 68/2020/QH14",
}

LEGAL_BASES = [
    "Luật Đất đai số 31/2024/QH15",
    "Luật Xây dựng số 50/2014/QH13, sửa đổi bởi Luật số 62/2020/QH14",
    "Luật Hộ tịch số 60/2014/QH13",
    "Nghị định số 23/2015/NĐ-CP về cấp bản sao từ sổ gốc, chứng thực",
    "Luật Doanh nghiệp số 59/2020/QH14",
    "Nghị định số 118/2025/NĐ-CP về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông",
    "Thông tư số 03/2025/TT-VPCP",
]
