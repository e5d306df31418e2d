"""The real ISO/IEC sample catalogue, the countries, and a small Vietnamese catalogue imported from CSV."""

from pathlib import Path

import pytest

from tests.standards.conftest import catalogue  # noqa: F401 — re-exported fixture

CSV = """designation,title,title_en,status,approval_date,effective_date,withdrawal_date,ics,technical_committee,replaces,adopts,method
TCVN ISO 9001:2015,Hệ thống quản lý chất lượng — Các yêu cầu,Quality management systems — Requirements,in_force,2015-12-31,2016-01-01,,03.120.10,TCVN/TC 176,TCVN ISO 9001:2008,,translation
TCVN ISO 9001:2008,Hệ thống quản lý chất lượng — Các yêu cầu,Quality management systems — Requirements,replaced,2008-12-31,,2015-12-31,03.120.10,TCVN/TC 176,,,translation
TCVN ISO 14001:2010,Hệ thống quản lý môi trường,Environmental management systems,in_force,2010-12-30,,,13.020.10,TCVN/TC 207,,ISO 14001:2004 IDT,translation
TCVN ISO/IEC 17025:2017,Yêu cầu chung về năng lực,General requirements for the competence,in_force,2017-12-29,,,03.120.20,TCVN/TC 176,,,translation
TCVN 4255:2008,Cấp bảo vệ bằng vỏ ngoài (mã IP),Degrees of protection provided by enclosures (IP Code),in_force,2008-12-31,,,29.020,TCVN/TC/E 1,,"IEC 60529:1989, MOD",redrafting
TCVN 7391-1:2004 (ISO 10993-1:2003),Đánh giá sinh học,Biological evaluation of medical devices,in_force,2004-06-01,,,11.100.20,TCVN/TC 210,,,translation
TCVN 6165:2009,Từ vựng quốc tế về đo lường,International vocabulary of metrology,in_force,2009-12-31,,,01.040.17,TCVN/TC 12,,,
TCVN 5000:2020,Thực phẩm,Food products,draft,,,,67.040,TCVN/TC F1,,,
"""


@pytest.fixture
def vn_csv(tmp_path) -> Path:
    path = tmp_path / "tcvn.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


@pytest.fixture
def vn(catalogue, demo_data, vn_csv):  # noqa: F811
    from nqi.organizations.models import Country
    from nqi.standards.national.importer import import_catalogue

    result = import_catalogue([vn_csv])
    assert result.run.applied and result.run.rejected == 0, result.run.rejections
    return Country.objects.get(code="VN")
