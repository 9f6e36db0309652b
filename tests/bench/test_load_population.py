"""The load benchmark's learners look like a real course's: spread over every course and
every module, about a third of them in the post-test, not all at the end of one course."""

from collections import Counter

from bench.load.learners import population


def test_fifty_learners_spread_over_three_courses_every_module_and_a_third_in_the_post_test():
    places = population(learners=50, modules_per_course=[4, 4, 5])

    assert all(15 <= count <= 18 for count in Counter(place.course for place in places).values())
    assert len({place.course for place in places}) == 3
    in_post_test = [place for place in places if place.in_post_test]
    assert 15 <= len(in_post_test) <= 17
    assert {place.course for place in in_post_test} == {0, 1, 2}
    for course, modules in enumerate([4, 4, 5]):
        reading = {place.open_modules for place in places if place.course == course and not place.in_post_test}
        assert reading == set(range(1, modules + 1)), f"course {course} has readers at every module"
    assert all(place.open_modules == [4, 4, 5][place.course] for place in in_post_test)


def test_the_quick_run_still_has_readers_and_post_test_learners():
    places = population(learners=6, modules_per_course=[4, 4, 4])
    assert {place.in_post_test for place in places} == {True, False}
