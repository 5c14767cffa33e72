from switcher.gui.timefmt import format_left


def test_format_left_words_under_a_minute_as_the_caller_asks():
    assert format_left(59, under_a_minute="soon") == "soon"
    assert format_left(60, under_a_minute="soon") == "1 min"
    assert format_left(3600, under_a_minute="soon") == "1 h 00 min"
    assert format_left(-1, under_a_minute="gone") == "gone"
