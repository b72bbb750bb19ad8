"""The marketplace's pure rules: amounts, currencies, text limits, when bidding has closed."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from db.models import ConsultancyRfp
from graph.services.consultancy import Code, amount, check_currency, check_text, is_closed
from graph.services.problems import Rejected

NOW = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0", Decimal(0)),
        (" 1500.5 ", Decimal("1500.5")),
        ("9999999999.99", Decimal("9999999999.99")),
    ],
)
def test_amounts_are_decimals_in_cents_within_the_column(given: str, expected: Decimal) -> None:
    assert amount(given, Code.INVALID_PRICE, "price") == expected


@pytest.mark.parametrize("given", ["", "abc", "-0.01", "1.001", "1e11", "NaN", "Infinity"])
def test_other_amounts_are_refused_with_the_callers_code(given: str) -> None:
    with pytest.raises(Rejected) as refused:
        amount(given, Code.INVALID_BUDGET, "budgetMin")
    assert [(p.code, p.field) for p in refused.value.problems] == [
        (Code.INVALID_BUDGET, ("budgetMin",))
    ]


@pytest.mark.parametrize("given", ["usd", "US", "USDT", "U$D", "ÜSD"])
def test_currencies_are_three_capital_letters(given: str) -> None:
    with pytest.raises(Rejected):
        check_currency(given, "currency")
    assert check_currency("PKR", "currency") == "PKR"


def test_text_is_required_and_bounded() -> None:
    assert check_text("  plan  ", "approach") == "plan"
    assert check_text("", "note", required=False) == ""
    for given, code in ((" ", Code.TEXT_REQUIRED), ("x" * 11, Code.TEXT_TOO_LONG)):
        with pytest.raises(Rejected) as refused:
            check_text(given, "approach", limit=10)
        assert refused.value.problems[0].code is code


def test_bidding_closes_at_the_date_or_when_closed_early() -> None:
    rfp = ConsultancyRfp(closes_at=NOW + timedelta(days=1), closed_at=None)
    assert not is_closed(rfp, NOW)
    assert is_closed(rfp, NOW + timedelta(days=1))
    rfp.closed_at = NOW - timedelta(hours=1)
    assert is_closed(rfp, NOW)
