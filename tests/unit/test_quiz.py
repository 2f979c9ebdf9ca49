"""Unit tests for labkit.quiz: feedback text, the Check button, the plain-text form."""

import re

import pytest

from labkit.quiz import PICK_FIRST, Question, QuizView, build_quiz, quiz, quiz_text

pytestmark = pytest.mark.unit

RUNTIME = Question(
    "Which runtime do AKS Linux nodes use?",
    ["Docker Engine", "containerd", "rkt"],
    answer=1,
    explain="containerd is the default since Kubernetes 1.19.",
)
TIER = Question(
    "What does the Free tier cost?",
    ["$0.10 an hour", "Nothing, no SLA"],
    answer=1,
    explain="Free: no charge and no SLA.",
)


def test_right_answer_by_index_and_letter():
    assert RUNTIME.check(1) == "✅ Right: containerd is the default since Kubernetes 1.19."
    assert RUNTIME.check("b") == RUNTIME.check(1)
    assert RUNTIME.check("B)") == RUNTIME.check(1)
    assert RUNTIME.is_right(1) and not RUNTIME.is_right(0)


@pytest.mark.parametrize("choice", [0, 2, "a", "c"])
def test_wrong_answer_says_not_quite_and_explains(choice):
    feedback = RUNTIME.check(choice)
    assert feedback.startswith("⛔ Not quite: ")
    assert feedback.endswith(RUNTIME.explain)
    assert "Right" not in feedback


def test_no_choice_asks_to_pick():
    assert RUNTIME.check(None) == PICK_FIRST


@pytest.mark.parametrize("choice", [3, -1, "d", "zz", 1.0, True])
def test_check_rejects_choices_that_do_not_exist(choice):
    with pytest.raises((ValueError, TypeError)):
        RUNTIME.check(choice)


@pytest.mark.parametrize("answer", [3, -1, 10])
def test_answer_out_of_range_is_rejected_with_a_clear_message(answer):
    with pytest.raises(ValueError) as info:
        Question("Pick one", ["a", "b", "c"], answer=answer, explain="because")
    message = str(info.value)
    assert f"answer={answer}" in message
    assert "3 choices" in message
    assert "between 0 and 2" in message
    assert "Pick one" in message


@pytest.mark.parametrize(
    "args",
    [
        ("", ["a", "b"], 0, "why"),  # empty prompt
        ("Q", ["only one"], 0, "why"),  # one choice
        ("Q", "ab", 0, "why"),  # a string, not a list
        ("Q", ["a", ""], 0, "why"),  # empty choice
        ("Q", ["a", "b"], "1", "why"),  # answer not an int
        ("Q", ["a", "b"], True, "why"),  # bool is not an index
        ("Q", ["a", "b"], 0, ""),  # no explanation
    ],
)
def test_bad_questions_are_rejected(args):
    with pytest.raises((ValueError, TypeError)):
        Question(*args)


def test_text_form_lists_every_question_and_choice():
    text = quiz_text(RUNTIME, TIER)
    assert text.startswith("Self-check: 2 questions")
    assert "1. Which runtime do AKS Linux nodes use?" in text
    assert "2. What does the Free tier cost?" in text
    for label in ["a) Docker Engine", "b) containerd", "c) rkt", "a) $0.10 an hour", "b) Nothing, no SLA"]:
        assert f"   {label}\n" in text + "\n"
    assert '.check("b")' in text
    # the answers are not given away, and nothing run-specific (object ids, addresses) appears
    assert "✅" not in text and "0x" not in text
    assert quiz_text(RUNTIME, TIER) == text


def test_widgets_carry_css_classes_and_start_unanswered():
    view = build_quiz(RUNTIME, TIER)
    assert "labkit-quiz" in view.box._dom_classes
    assert len(view.radios) == len(view.buttons) == len(view.feedback) == 2
    *rows, score = view.box.children
    for row in rows:
        assert "labkit-quiz-question" in row._dom_classes
    assert "labkit-quiz-score" in score._dom_classes
    for radio, button, feedback in zip(view.radios, view.buttons, view.feedback):
        assert radio.value is None
        assert "labkit-quiz-choices" in radio._dom_classes
        assert "labkit-quiz-check" in button._dom_classes
        assert "labkit-quiz-feedback" in feedback._dom_classes
        assert feedback.value == ""
    assert [label for label, _ in view.radios[0].options] == ["a) Docker Engine", "b) containerd", "c) rkt"]


def test_check_button_writes_feedback():
    view = build_quiz(RUNTIME, TIER)
    radio, button, feedback = view.radios[0], view.buttons[0], view.feedback[0]

    button.click()
    assert PICK_FIRST in feedback.value

    radio.value = 0
    button.click()
    assert "⛔ Not quite:" in feedback.value
    assert "labkit-quiz-wrong" in feedback._dom_classes

    radio.value = 1
    button.click()
    assert "✅ Right:" in feedback.value
    assert "containerd is the default" in feedback.value
    assert "labkit-quiz-right" in feedback._dom_classes
    assert "labkit-quiz-wrong" not in feedback._dom_classes

    # the second question's feedback is untouched
    assert view.feedback[1].value == ""


def test_feedback_is_html_escaped():
    q = Question("Tags?", ["<b>", "&"], answer=0, explain="<script>x</script> & more")
    view = build_quiz(q)
    view.radios[0].value = 0
    view.buttons[0].click()
    assert "<script>" not in view.feedback[0].value
    assert "&lt;script&gt;" in view.feedback[0].value


def test_widget_plain_text_repr_is_the_deterministic_text_form():
    first, second = build_quiz(RUNTIME, TIER), build_quiz(RUNTIME, TIER)
    bundle = first._repr_mimebundle_()
    assert bundle["text/plain"] == second._repr_mimebundle_()["text/plain"] == ""  # QuizText above holds the text
    assert "application/vnd.jupyter.widget-view+json" in bundle and "text/html" not in bundle
    assert repr(first) == quiz_text(RUNTIME, TIER)


def test_quiz_displays_and_returns_none(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    assert quiz(RUNTIME, TIER) is None
    assert len(shown) == 2 and isinstance(shown[1], QuizView)  # the text form first, then the widgets
    assert repr(shown[0]) == quiz_text(RUNTIME, TIER) and not re.search(r"[0-9a-f]{32}", repr(shown[0]))

    shown.clear()
    assert quiz(RUNTIME, widgets=False) is None
    assert len(shown) == 1 and repr(shown[0]) == quiz_text(RUNTIME)


def test_quiz_needs_questions():
    with pytest.raises(ValueError):
        quiz()
    with pytest.raises(TypeError):
        quiz("not a question")


def test_importing_quiz_does_not_import_widgets():
    import subprocess
    import sys

    import os
    from pathlib import Path

    import labkit.quiz

    root = str(Path(labkit.quiz.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    code = "import sys, labkit.quiz; print('ipywidgets' in sys.modules, 'IPython' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, encoding="utf-8").stdout
    assert out.split() == ["False", "False"]


# -- the knowledge checks of the notebooks (issue 10) ------------------------------------------------------------
def test_each_choice_can_carry_its_own_explanation():
    q = Question("Pods stay Pending on a node at 5 % CPU. Why?", ["they use too much", "their requests fill it"],
                 answer=1, explain="Requests are reservations.", why=["Use is low.", "Right."])
    assert q.check("a") == "⛔ Not quite: Use is low. Requests are reservations."
    assert q.check(1) == "✅ Right: Right. Requests are reservations."
    with pytest.raises(ValueError, match="one non-empty explanation per choice"):
        Question("p", ["a", "b"], answer=0, explain="e", why=["only one"])


def test_the_score_counts_the_questions_answered_right():
    pytest.importorskip("ipywidgets")
    view = build_quiz(RUNTIME, TIER)
    assert "Score: 0 of 2 right" in view.score.value
    view.radios[0].value = 1
    view.buttons[0].click()
    view.radios[1].value = 0
    view.buttons[1].click()
    assert "Score: 1 of 2 right" in view.score.value
    view.radios[0].value = 0  # changing an answer and checking again counts the new answer
    view.buttons[0].click()
    assert "Score: 0 of 2 right" in view.score.value and "labkit-quiz-score" in view.score._dom_classes


SECTIONS = ["01-architecture", "02-deploy-aks", "03-publish-acr", "04-run-aci", "05-run-on-aks"]


@pytest.mark.parametrize("notebook", SECTIONS)
def test_every_section_ends_with_a_knowledge_check_whose_answers_are_not_in_the_notebook(notebook):
    import nbformat

    from labkit import quiz as quizzes
    from labkit.paths import notebooks

    questions = quizzes.questions_for(notebook)
    assert 3 <= len(questions) <= 7 and all(q.why for q in questions)
    cells = nbformat.read(notebooks() / f"{notebook}.ipynb", as_version=4).cells
    code = [c.source for c in cells if c.cell_type == "code"]
    assert f'quiz.check_yourself("{notebook}")' in "\n".join(code)
    everything = "\n".join(c.source for c in cells)
    for q in questions:  # neither the question's data nor its explanations are in the notebook's cells
        assert q.explain not in everything and q.prompt not in everything
    assert "answer=" not in "\n".join(code)


def test_01_asks_about_the_parts_learners_mix_up():
    from labkit import quiz as quizzes

    prompts = " ".join(q.prompt + " ".join(q.choices) for q in quizzes.questions_for("01-architecture"))
    for topic in ("kubelet", "kube-scheduler", "kube-proxy", "network plugin", "diagnostic setting", "MC_"):
        assert topic in prompts, topic


@pytest.mark.parametrize("notebook", ["00-setup"] + SECTIONS)
def test_every_notebook_opens_with_outcomes_and_ends_with_a_summary(notebook):
    import nbformat

    from labkit.paths import notebooks

    text = "\n".join(c.source for c in nbformat.read(notebooks() / f"{notebook}.ipynb", as_version=4).cells
                     if c.cell_type == "markdown")
    assert "After this notebook you can" in text and "## Summary" in text


def test_a_new_choice_clears_the_old_feedback():
    view = build_quiz(RUNTIME, TIER)
    radio, button, feedback = view.radios[0], view.buttons[0], view.feedback[0]
    radio.value = 0
    button.click()
    assert "Not quite" in feedback.value and "labkit-quiz-wrong" in feedback._dom_classes
    radio.value = 1  # the verdict on answer a) must not stand beside answer b)
    assert feedback.value == ""
    assert "labkit-quiz-wrong" not in feedback._dom_classes and "labkit-quiz-right" not in feedback._dom_classes


def test_the_check_button_keeps_its_size_beside_long_feedback():
    view = build_quiz(RUNTIME)
    button, feedback = view.buttons[0], view.feedback[0]
    assert button.layout.flex == "0 0 auto" and button.layout.min_width
    assert feedback.layout.flex == "1 1 auto"


def test_where_no_widget_is_drawn_the_quiz_says_to_run_the_cell_and_gives_no_answer(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    quiz(RUNTIME, TIER)
    text, page = repr(shown[0]), shown[0]._repr_html_()
    assert text.splitlines()[0].startswith("Self-check: 2 questions. Run this cell to answer")  # first, not last
    assert "Run this cell to answer" in page.split("<ol>")[0]
    assert "<li>containerd</li>" in page
    for form in (text, page):
        assert RUNTIME.explain not in form and TIER.explain not in form and "✅" not in form
    assert ":has(+ .jp-OutputArea-child .labkit-quiz)" in page  # hidden only where the widgets are drawn below it
