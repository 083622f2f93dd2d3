"""CSV import of donation records: all or nothing, problems by line number, never counted twice."""

from __future__ import annotations

import pytest

from donations.models import Donation
from donations.selectors import campaign_progress
from donations.services import DonationImportError, donations_import_csv
from tests.donations.factories import csv_file, days, give, make_campaign

pytestmark = pytest.mark.django_db

YESTERDAY = days(-1).isoformat()
GOOD_ROWS = (
    f"{YESTERDAY},10000,bank,TX-1,Ken Sato,Ken@Example.com,no,yes",
    f'{days(-2).isoformat()},"12,345",give_one,G-77,,,,',
    f"{days(-3).strftime('%Y/%m/%d')},¥5000,Benevity,B-9,,,yes,no",
)


def _problems(campaign, *rows: str, **kwargs) -> list[tuple[int | None, str]]:  # noqa: ANN001, ANN003
    with pytest.raises(DonationImportError) as caught:
        donations_import_csv(campaign=campaign, file=csv_file(*rows, **kwargs), by=None)
    return [(p.line, p.message) for p in caught.value.problems]


def test_it_imports_every_row_of_a_good_file(carol) -> None:  # noqa: ANN001
    campaign = make_campaign()
    result = donations_import_csv(campaign=campaign, file=csv_file(*GOOD_ROWS), by=carol)
    assert (result.created, result.created_yen, result.already_imported) == (3, 27_345, [])
    ken = Donation.objects.get(external_reference="TX-1")
    assert (ken.amount_yen, ken.channel, ken.donor_name, ken.donor_email) == (
        10_000,
        "bank",
        "Ken Sato",
        "ken@example.com",
    )
    assert (ken.is_anonymous, ken.is_monthly, ken.recorded_by, ken.campaign) == (
        False,
        True,
        carol,
        campaign,
    )
    quiet = Donation.objects.get(external_reference="G-77")
    assert (quiet.amount_yen, quiet.is_anonymous, quiet.is_monthly) == (12_345, True, False)
    assert Donation.objects.get(external_reference="B-9").channel == "benevity"


def test_the_progress_shows_an_import_at_once() -> None:
    campaign = make_campaign()
    assert campaign_progress(campaign).raised_yen == 0  # now cached
    donations_import_csv(campaign=campaign, file=csv_file(*GOOD_ROWS), by=None)
    assert campaign_progress(campaign).raised_yen == 27_345


def test_bad_rows_are_listed_by_line_and_nothing_is_saved() -> None:
    campaign = make_campaign()
    problems = _problems(
        campaign,
        GOOD_ROWS[0],  # line 2
        f"{YESTERDAY},-500,bank,TX-2,,,,",  # line 3
        GOOD_ROWS[1],  # line 4
        f"{YESTERDAY},1000,paypal,TX-3,,,,",  # line 5
        "31/12/2024,1000,bank,TX-4,,not-an-email,,",  # line 6
        f"{days(3).isoformat()},1000,bank,,,,maybe,",  # line 7
    )
    lines = [line for line, _ in problems]
    assert lines == [3, 5, 6, 6, 7, 7, 7]
    assert "-500" in problems[0][1]
    assert "paypal" in problems[1][1]
    assert Donation.objects.count() == 0


def test_a_duplicate_reference_inside_the_file_is_refused() -> None:
    campaign = make_campaign()
    problems = _problems(campaign, GOOD_ROWS[0], GOOD_ROWS[0].replace("10000", "20000"))
    assert [line for line, _ in problems] == [3]
    assert "TX-1" in problems[0][1] and "2" in problems[0][1]
    assert Donation.objects.count() == 0


def test_importing_the_same_file_again_counts_nothing_twice() -> None:
    campaign = make_campaign()
    donations_import_csv(campaign=campaign, file=csv_file(*GOOD_ROWS), by=None)
    again = donations_import_csv(campaign=campaign, file=csv_file(*GOOD_ROWS), by=None)
    assert (again.created, again.already_imported) == (0, [2, 3, 4])
    assert Donation.objects.count() == 3
    assert campaign_progress(campaign).raised_yen == 27_345


def test_a_longer_export_adds_only_the_new_rows() -> None:
    campaign = make_campaign()
    donations_import_csv(campaign=campaign, file=csv_file(*GOOD_ROWS[:2]), by=None)
    result = donations_import_csv(campaign=campaign, file=csv_file(*GOOD_ROWS), by=None)
    assert (result.created, result.created_yen, result.already_imported) == (1, 5_000, [2, 3])
    assert campaign_progress(campaign).raised_yen == 27_345


def test_the_same_reference_with_other_details_is_an_error() -> None:
    campaign = make_campaign()
    give(campaign, 9_999, channel="bank", external_reference="TX-1")
    problems = _problems(campaign, *GOOD_ROWS)
    assert [line for line, _ in problems] == [2]
    assert Donation.objects.count() == 1


def test_a_reference_recorded_for_another_campaign_is_an_error() -> None:
    first, second = make_campaign(), make_campaign()
    donations_import_csv(campaign=first, file=csv_file(GOOD_ROWS[0]), by=None)
    assert [line for line, _ in _problems(second, GOOD_ROWS[0])] == [2]


def test_the_same_reference_on_another_channel_is_another_gift() -> None:
    campaign = make_campaign()
    rows = (f"{YESTERDAY},1000,bank,REF-1,,,,", f"{YESTERDAY},2000,give_one,REF-1,,,,")
    assert donations_import_csv(campaign=campaign, file=csv_file(*rows), by=None).created == 2


def test_a_missing_column_is_reported_on_the_header_line() -> None:
    problems = _problems(
        make_campaign(), f"{YESTERDAY},1000,bank", header="date,amount_yen,channel"
    )
    assert problems[0][0] == 1
    assert "external_reference" in problems[0][1]


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(DonationImportError):
        donations_import_csv(campaign=make_campaign(), file=csv_file(), by=None)


def test_a_shift_jis_file_from_a_japanese_spreadsheet_is_read() -> None:
    campaign = make_campaign()
    row = f"{YESTERDAY},3000,bank,SJ-1,佐藤健,,いいえ,はい"
    result = donations_import_csv(campaign=campaign, file=csv_file(row, encoding="cp932"), by=None)
    assert result.created == 1
    donation = Donation.objects.get()
    assert (donation.donor_name, donation.is_anonymous, donation.is_monthly) == (
        "佐藤健",
        False,
        True,
    )


def test_blank_lines_are_skipped_and_line_numbers_stay_true() -> None:
    problems = _problems(make_campaign(), GOOD_ROWS[0], ",,,,,,,", f"{YESTERDAY},0,bank,Z-1,,,,")
    assert [line for line, _ in problems] == [4]
