"""TaskRunner: results arrive on the GUI thread, errors are delivered, same-key tasks supersede."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread

from core.errors import PhotoLoadError
from ui.tasks import TaskRunner, describe_error


@pytest.fixture
def runner(qapp):
    r = TaskRunner(max_threads=2)
    yield r
    r.shutdown()


def test_result_is_delivered_on_the_gui_thread(runner, qapp):
    gui_thread = QThread.currentThread()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker_is_gui"] = QThread.currentThread() is gui_thread
        return 6 * 7

    def done(value: int) -> None:
        seen["value"] = value
        seen["done_is_gui"] = QThread.currentThread() is gui_thread

    runner.submit(work, done)
    assert runner.wait_idle(5000)
    assert seen == {"worker_is_gui": False, "value": 42, "done_is_gui": True}


def test_errors_go_to_on_error_or_task_failed(runner, qtbot):
    errors: list[BaseException] = []

    def bad() -> None:
        raise PhotoLoadError("broken.jpg is not an image")

    runner.submit(bad, lambda _: None, errors.append)
    assert runner.wait_idle(5000)
    assert isinstance(errors[0], PhotoLoadError)

    with qtbot.waitSignal(runner.taskFailed, timeout=5000) as blocker:
        runner.submit(lambda: 1 / 0, lambda _: None)
    assert "ZeroDivisionError" in blocker.args[0]


def test_a_failing_callback_is_reported_not_raised(runner, qtbot):
    def done(_: object) -> None:
        raise ValueError("callback bug")

    with qtbot.waitSignal(runner.taskFailed, timeout=5000) as blocker:
        runner.submit(lambda: 1, done)
    assert blocker.args[0] == "ValueError: callback bug"


def test_newer_task_with_same_key_supersedes_older(runner):
    gate = threading.Event()
    delivered: list[str] = []
    ran: list[str] = []

    def slow(name: str):
        def fn() -> str:
            ran.append(name)
            gate.wait(5)
            return name

        return fn

    runner.submit(slow("first"), delivered.append, key="photo")
    time.sleep(0.05)  # let "first" start running
    runner.submit(slow("second"), delivered.append, key="photo")
    runner.submit(slow("third"), delivered.append, key="photo")
    runner.submit(lambda: "other", delivered.append, key="thumbs")
    gate.set()
    assert runner.wait_idle(5000)
    assert "first" in ran  # it was already running; its result is dropped
    assert sorted(delivered) == ["other", "third"]


def test_callbacks_may_submit_follow_up_work_and_busy_signal_brackets_it(runner, qtbot):
    states: list[bool] = []
    runner.busyChanged.connect(states.append)
    out: list[int] = []
    runner.submit(lambda: 1, lambda v: runner.submit(lambda: v + 1, out.append))
    assert runner.wait_idle(5000)
    assert out == [2]
    assert states[0] is True and states[-1] is False
    assert runner.pending() == 0


def test_cancel_and_shutdown_drop_results(qapp):
    r = TaskRunner(max_threads=1)
    gate = threading.Event()
    got: list[str] = []
    r.submit(lambda: gate.wait(5) and "late", got.append, key="k")
    r.cancel("k")
    gate.set()
    assert r.wait_idle(5000)
    assert got == []
    r.shutdown()
    r.submit(lambda: "after", got.append)
    assert r.wait_idle(1000)
    assert got == []


def test_describe_error_prefers_the_user_message():
    assert describe_error(PhotoLoadError("x.jpg: not an image")) == "x.jpg: not an image"
    assert describe_error(KeyError("k")) == "KeyError: 'k'"
