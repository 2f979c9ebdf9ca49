"""Self-check quizzes for the notebooks.

A notebook ends a section with a few multiple-choice questions::

    from labkit.quiz import Question, quiz

    questions = [
        Question(
            "Which container runtime do AKS Linux nodes use?",
            ["Docker Engine", "containerd", "rkt"],
            answer=1,
            explain="containerd has been the default since Kubernetes 1.19.",
        ),
    ]
    quiz(*questions)

In JupyterLab (and VS Code) every question gets radio buttons, a **Check** button and
a feedback line. Everywhere else (papermill, nbval, a terminal, a notebook viewer) the
same cell shows a numbered plain-text list, and an answer can be checked in code with
``questions[0].check("b")``.

``ipywidgets`` and ``IPython`` are imported inside the functions that need them, so
importing :mod:`labkit` stays fast.

CSS classes (stable, for styling and browser tests):

* ``labkit-quiz``: the whole quiz
* ``labkit-quiz-question``: one question's box
* ``labkit-quiz-choices``: its radio buttons
* ``labkit-quiz-check``: its Check button
* ``labkit-quiz-feedback``: its feedback line, plus ``labkit-quiz-right`` or
  ``labkit-quiz-wrong`` once an answer was checked
* ``labkit-quiz-score``: the score under the last question ("Score: 2 of 4 right")

A notebook's knowledge check lives in :mod:`labkit.quiz_bank` and is shown with
``quiz.check_yourself("02-deploy-aks")``, so the answers are not in the cell the learner runs.
"""

from __future__ import annotations

import html
import string
from collections.abc import Sequence
from typing import Any

__all__ = [
    "Question",
    "QuizText",
    "QuizView",
    "build_quiz",
    "check_yourself",
    "questions_for",
    "quiz",
    "quiz_html",
    "quiz_text",
]

RIGHT = "✅ Right: "
WRONG = "⛔ Not quite: "
PICK_FIRST = "Pick an answer first, then press Check."
RUN_TO_ANSWER = "Run this cell to answer: each question gets its choices and a Check button (JupyterLab, VS Code)."

_LETTERS = string.ascii_lowercase
_WRAP = "white-space:normal;word-break:normal;overflow-wrap:break-word"  # feedback wraps at spaces, beside Check
Choice = int | str | None


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class Question:
    """One multiple-choice question.

    ``answer`` is the index of the right choice, counted from 0 (so ``answer=1``
    is the second choice, shown as "b)"). ``explain`` says why it is right; it is
    shown after every check, right or wrong, because the explanation is the lesson.
    ``why``, when given, has one line per choice saying why *that* choice is right or
    wrong; a check shows the chosen choice's line before ``explain``.
    """

    __slots__ = ("prompt", "choices", "answer", "explain", "why")

    def __init__(
        self, prompt: str, choices: Sequence[str], answer: int, explain: str, why: Sequence[str] | None = None
    ) -> None:
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValueError("Question: the prompt must be a non-empty string.")
        label = f"Question {_short(prompt)!r}"
        if isinstance(choices, str) or not isinstance(choices, Sequence):
            raise TypeError(f"{label}: choices must be a list of strings, not {type(choices).__name__}.")
        choices = tuple(choices)
        if not 2 <= len(choices) <= len(_LETTERS):
            raise ValueError(f"{label}: give between 2 and {len(_LETTERS)} choices, not {len(choices)}.")
        for i, choice in enumerate(choices):
            if not isinstance(choice, str) or not choice.strip():
                raise ValueError(f"{label}: choice {i} must be a non-empty string, not {choice!r}.")
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise TypeError(
                f"{label}: answer must be the index (an int, counted from 0) of the right choice, not {answer!r}."
            )
        if not 0 <= answer < len(choices):
            raise ValueError(
                f"{label}: answer={answer} is out of range: there are {len(choices)} choices, "
                f"so answer must be between 0 and {len(choices) - 1} (counted from 0)."
            )
        if not isinstance(explain, str) or not explain.strip():
            raise ValueError(f"{label}: explain must say why the answer is right.")
        if why is not None and (
            isinstance(why, str) or len(why) != len(choices) or not all(isinstance(x, str) and x.strip() for x in why)
        ):
            raise ValueError(f"{label}: why must give one non-empty explanation per choice ({len(choices)}).")
        self.why = tuple(x.strip() for x in why) if why is not None else None
        self.prompt = prompt.strip()
        self.choices = choices
        self.answer = answer
        self.explain = explain.strip()

    def __repr__(self) -> str:
        return f"Question({self.prompt!r}, {list(self.choices)!r}, answer={self.answer!r}, explain={self.explain!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Question):
            return NotImplemented
        return (self.prompt, self.choices, self.answer, self.explain) == (
            other.prompt,
            other.choices,
            other.answer,
            other.explain,
        )

    __hash__ = None  # type: ignore[assignment]

    def index_of(self, choice: int | str) -> int:
        """Turn a choice given as an index (``1``) or a letter (``"b"``) into an index."""
        if isinstance(choice, bool):
            raise TypeError(f"Choose with an index or a letter, not {choice!r}.")
        if isinstance(choice, str):
            letter = choice.strip().lower().rstrip(")")
            if len(letter) == 1 and letter in _LETTERS[: len(self.choices)]:
                return _LETTERS.index(letter)
            raise ValueError(
                f"{choice!r} is not one of the letters a–{_LETTERS[len(self.choices) - 1]} for this question."
            )
        if isinstance(choice, int):
            if 0 <= choice < len(self.choices):
                return choice
            raise ValueError(
                f"Choice {choice} is out of range: use 0–{len(self.choices) - 1} "
                f"(counted from 0) or a letter a–{_LETTERS[len(self.choices) - 1]}."
            )
        raise TypeError(f"Choose with an index or a letter, not {choice!r}.")

    def is_right(self, choice: int | str) -> bool:
        """True when ``choice`` (an index or a letter) is the right answer."""
        return self.index_of(choice) == self.answer

    def check(self, choice: Choice) -> str:
        """Feedback for ``choice`` (an index counted from 0, or a letter such as ``"b"``).

        Returns ``"✅ Right: <why>"`` or ``"⛔ Not quite: <why>"``; with no choice
        (``None``), a reminder to pick one. The Check buttons show exactly this text.
        """
        if choice is None:
            return PICK_FIRST
        chosen = f"{self.why[self.index_of(choice)]} " if self.why else ""
        return (RIGHT if self.is_right(choice) else WRONG) + chosen + self.explain

    def labels(self) -> list:
        """The choices as shown to learners: ``["a) …", "b) …", …]``."""
        return [f"{_LETTERS[i]}) {c}" for i, c in enumerate(self.choices)]

    def to_text(self, number: int = 1) -> str:
        """The question as plain text, numbered ``number``, one choice a line."""
        lines = [f"{number}. {self.prompt}"]
        lines += [f"   {label}" for label in self.labels()]
        return "\n".join(lines)


def _checked(questions: Sequence[Question]) -> tuple:
    if not questions:
        raise ValueError("quiz() needs at least one Question.")
    for i, q in enumerate(questions, 1):
        if not isinstance(q, Question):
            raise TypeError(f"quiz(): item {i} is a {type(q).__name__}, not a Question.")
    return tuple(questions)


def quiz_text(*questions: Question, name: str = "questions") -> str:
    """The plain-text form of a quiz: what papermill, nbval and text viewers show.

    ``name`` is the variable that holds the questions in the notebook; it is only
    used in the hint on how to check an answer without buttons.
    """
    questions = _checked(questions)
    parts = [f"{_heading(questions)} {RUN_TO_ANSWER}", f'(Or check one in code, e.g. {name}[0].check("b").)']
    parts += [q.to_text(n) for n, q in enumerate(questions, 1)]
    return "\n\n".join(parts)


def _heading(questions: Sequence[Question]) -> str:
    return f"Self-check: {len(questions)} {'question' if len(questions) == 1 else 'questions'}."


def quiz_html(*questions: Question) -> str:
    """The HTML form where no widget can be drawn (a stored notebook, GitHub, an HTML export): the questions,
    no answers, and the one thing to do."""
    questions = _checked(questions)
    items = "".join(
        f"<li><b>{html.escape(q.prompt)}</b><ol style='list-style-type:lower-alpha'>"
        + "".join(f"<li>{html.escape(c)}</li>" for c in q.choices)
        + "</ol></li>"
        for q in questions
    )
    return (
        f"<div class='labkit-quiz-text'><p><b>{html.escape(_heading(questions))}</b> "
        f"▶ {html.escape(RUN_TO_ANSWER)}</p><ol>{items}</ol></div>"
    )


class QuizView:
    """The widgets of one quiz, with a deterministic plain-text form.

    Displaying a ``QuizView`` shows the widgets where a widget renderer exists and
    :func:`quiz_text` everywhere else (its ``text/plain`` holds no object ids, so
    nbval can compare it). The parts are kept for tests and for notebooks that want
    to arrange them differently: ``box``, and per question ``radios``, ``buttons``
    and ``feedback`` (lists in question order).
    """

    def __init__(self, questions: Sequence[Question], name: str = "questions") -> None:
        import ipywidgets as w  # lazy: ipywidgets costs ~0.3 s to import

        self.questions = _checked(questions)
        self.text = quiz_text(*self.questions, name=name)
        self.html = quiz_html(*self.questions)
        self.radios: list = []
        self.buttons: list = []
        self.feedback: list = []
        rows = []
        for number, q in enumerate(self.questions, 1):
            prompt = w.HTML(f"<div style='line-height:1.4;{_WRAP}'><b>{number}. {html.escape(q.prompt)}</b></div>")
            radio = w.RadioButtons(
                options=[(label, i) for i, label in enumerate(q.labels())],
                value=None,
                layout=w.Layout(width="auto"),
            )
            radio.add_class("labkit-quiz-choices")
            button = w.Button(
                description="Check",
                tooltip=f"Check your answer to question {number}",
                layout=w.Layout(flex="0 0 auto", width="auto", min_width="7em"),
            )
            button.add_class("labkit-quiz-check")
            feedback = w.HTML("", layout=w.Layout(flex="1 1 auto", width="auto", min_width="0"))
            feedback.add_class("labkit-quiz-feedback")
            button.on_click(self._make_handler(q, radio, feedback, number - 1))
            radio.observe(self._make_clearer(feedback), names="value")
            row = w.VBox([prompt, radio, w.HBox([button, feedback], layout=w.Layout(align_items="flex-start"))])
            row.add_class("labkit-quiz-question")
            rows.append(row)
            self.radios.append(radio)
            self.buttons.append(button)
            self.feedback.append(feedback)
        self.right = [False] * len(self.questions)
        self.score = w.HTML(self._score_text())
        self.score.add_class("labkit-quiz-score")
        self.box = w.VBox(rows + [self.score])
        self.box.add_class("labkit-quiz")

    def _score_text(self) -> str:
        return f"<b>Score: {sum(self.right)} of {len(self.questions)} right</b>"

    def _make_handler(self, question: Question, radio: Any, feedback: Any, index: int = 0):
        def on_check(_button: Any = None) -> None:
            message = question.check(radio.value)
            self.right[index] = radio.value is not None and question.is_right(radio.value)
            self.score.value = self._score_text()
            feedback.remove_class("labkit-quiz-right")
            feedback.remove_class("labkit-quiz-wrong")
            if radio.value is not None:
                feedback.add_class("labkit-quiz-right" if question.is_right(radio.value) else "labkit-quiz-wrong")
            colour = "#605e5c" if radio.value is None else "#107c10" if question.is_right(radio.value) else "#c50f1f"
            feedback.value = (
                f"<div style='{_WRAP};line-height:1.4;margin-left:0.5em;padding-left:0.5em;"  # a colour
                f"border-left:4px solid {colour}'>{html.escape(message)}</div>"
            )  # as well as ✅/⛔

        return on_check

    @staticmethod
    def _make_clearer(feedback: Any):
        def on_change(_change: Any = None) -> None:  # a new choice: the old verdict no longer applies
            feedback.value = ""
            feedback.remove_class("labkit-quiz-right")
            feedback.remove_class("labkit-quiz-wrong")

        return on_change

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        data = dict(self.box._repr_mimebundle_(**kwargs) or {})
        # No text of its own: :func:`quiz` shows the questions just above, as a QuizText, for every front end
        # that draws no widget (a stored notebook, GitHub, an HTML export, a reload whose kernel is new).
        data["text/plain"] = ""
        return data


class QuizText:
    """A quiz's questions without widgets: "run this cell to answer", then the questions (no answers).

    :func:`quiz` shows it just before the widgets. Where the widgets are drawn right below it (JupyterLab),
    its own CSS rule hides it; where they are not (a reload with a new kernel shows "model not found"),
    it stays and says what to do.
    """

    # JupyterLab: hide this output when the next output holds the drawn quiz (.labkit-quiz exists only then).
    HIDE_WHEN_DRAWN = (
        "<style>.jp-OutputArea-child:has(.labkit-quiz-text):has(+ .jp-OutputArea-child .labkit-quiz)"
        "{display:none}</style>"
    )

    def __init__(self, text: str, html_form: str = "") -> None:
        self.text, self.html = text, html_form

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)

    def _repr_html_(self) -> str | None:
        return self.HIDE_WHEN_DRAWN + self.html if self.html else None


def build_quiz(*questions: Question, name: str = "questions") -> QuizView:
    """Build the widgets of a quiz without displaying them (see :class:`QuizView`)."""
    return QuizView(questions, name=name)


def questions_for(notebook: str) -> tuple:
    """The knowledge check of ``notebook`` (e.g. "02-deploy-aks"), kept in :mod:`labkit.quiz_bank`."""
    from labkit.quiz_bank import BANK

    if notebook not in BANK:
        raise KeyError(f"No knowledge check for {notebook!r}: there is one for {', '.join(sorted(BANK))}.")
    return tuple(Question(**q) for q in BANK[notebook])


def check_yourself(notebook: str, *, widgets: bool | None = None) -> None:
    """Show the knowledge check at the end of ``notebook``; its answers are in labkit, not in the cell."""
    quiz(*questions_for(notebook), widgets=widgets, name=f'quiz.questions_for("{notebook}")')


def quiz(*questions: Question, widgets: bool | None = None, name: str = "questions") -> None:
    """Show a self-check quiz in the notebook.

    With ipywidgets available (and ``widgets`` not ``False``) each question gets radio
    buttons, a Check button and a feedback line, shown after a :class:`QuizText` (the questions as text and
    HTML, for front ends that draw no widget). Returns ``None`` so the quiz is not shown twice.
    """
    questions = _checked(questions)
    view: Any = None
    if widgets is not False:
        try:
            view = QuizView(questions, name=name)
        except ImportError:
            if widgets:
                raise
    text = QuizText(quiz_text(*questions, name=name), quiz_html(*questions))
    try:
        from IPython.display import display
    except ImportError:  # plain Python: print the text form
        print(text.text)
        return None
    display(*([text] if view is None else [text, view]))
    return None
