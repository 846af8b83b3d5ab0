"""Properties that must hold for any input (hypothesis)."""

from decimal import Decimal as D

from builders import full_allocation, make_submission, make_targets
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng import Rule, rule_score, score

amounts = st.decimals(min_value=D(0), max_value=D(10**7), places=2, allow_nan=False, allow_infinity=False)
targets = st.decimals(
    min_value=D("0.01"), max_value=D(10**7), places=2, allow_nan=False, allow_infinity=False
)


@given(data=st.data())
@settings(max_examples=300, deadline=None)
def test_indicator_score_stays_within_weight_plus_bonus_cap(scheme, data):
    ind = data.draw(st.sampled_from([i for i in scheme.indicators if i.rule not in (Rule.INFO, Rule.VETO)]))
    target = data.draw(targets) if ind.needs_target else None
    actual = data.draw(amounts)
    s, bonus, _ = rule_score(ind, target, actual)
    assert D(0) <= s <= ind.weight
    assert D(0) <= bonus <= scheme.bonus_cap
    assert s + bonus <= ind.weight + scheme.bonus_cap
    assert s == s.quantize(D("0.01")) and bonus == bonus.quantize(D("0.01"))


@given(target=targets, a=amounts, b=amounts, data=st.data())
@settings(max_examples=300, deadline=None)
def test_ratio_scores_never_fall_when_the_actual_rises(scheme, target, a, b, data):
    ind = data.draw(st.sampled_from([i for i in scheme.indicators if i.rule is Rule.RATIO]))
    lo, hi = sorted((a, b))
    s_lo, bonus_lo, _ = rule_score(ind, target, lo)
    s_hi, bonus_hi, _ = rule_score(ind, target, hi)
    assert s_lo <= s_hi and bonus_lo <= bonus_hi


@given(
    shortfalls=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=12),
    vetoes=st.lists(st.booleans(), min_size=12, max_size=12),
)
@settings(max_examples=60, deadline=None)
def test_ranking_agrees_with_the_totals(scheme, shortfalls, vetoes):
    codes = [str(i + 1) for i in range(len(shortfalls))]
    t = make_targets(codes, scheme)
    subs = [
        make_submission(
            scheme, c, full_allocation(scheme), **{"1.1": str(pct), "7.V": "1" if vetoes[i] else "0"}
        )
        for i, (c, pct) in enumerate(zip(codes, shortfalls, strict=True))
    ]
    ranked = [r for r in score(scheme, t, subs).counties if r.rank is not None]
    assert len(ranked) == len(codes)
    for x in ranked:
        for y in ranked:
            if x.vetoed == y.vetoed:
                assert (x.rank < y.rank) == (x.total > y.total)
                assert (x.rank == y.rank) == (x.total == y.total)
            elif y.vetoed:
                assert x.rank < y.rank
    # ranks are competition ranks: each rank is 1 + the number of counties strictly ahead
    for x in ranked:
        ahead = sum(
            1 for y in ranked if (not y.vetoed and x.vetoed) or (y.vetoed == x.vetoed and y.total > x.total)
        )
        assert x.rank == ahead + 1
