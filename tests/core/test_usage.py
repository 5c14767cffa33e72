from switcher.core.usage import HALF_LIFE_S, UsageState


def test_recents_and_frecency_persist(tmp_path):
    path = tmp_path / "state.json"
    state = UsageState(path)
    state.record("a/x", now=1000.0)
    state.record("b/y", now=2000.0)
    state.record("a/x", now=3000.0)
    again = UsageState(path)
    assert again.recent(5) == ["a/x", "b/y"]
    assert again.score("a/x", now=3000.0) > again.score("b/y", now=3000.0)


def test_old_use_decays_by_half_life(tmp_path):
    state = UsageState(tmp_path / "s.json")
    state.record("old", now=0.0)
    assert abs(state.score("old", now=HALF_LIFE_S) - 0.5) < 1e-9


def test_damaged_state_starts_fresh(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("{not json")
    state = UsageState(path)
    assert state.recent() == []
    state.record("a/x")
    assert UsageState(path).recent() == ["a/x"]
