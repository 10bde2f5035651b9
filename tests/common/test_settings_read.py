"""The folders' settings are read from the environment without ``os.environ.get`` (its miss raises
and catches a KeyError, on every engine step): the answer must stay ``os.environ.get``'s."""

from __future__ import annotations

import os

from auction_flow.common import config

NAME = "AUCTION_FLOW_WORKFLOWS"


def test_a_setting_reads_as_os_environ_get(monkeypatch, tmp_path):
    monkeypatch.delenv(NAME, raising=False)
    assert config._setting(NAME) is None
    assert config.workflows_dir() == config.shipped_workflows_dir()
    monkeypatch.setenv(NAME, str(tmp_path))
    assert config._setting(NAME) == os.environ.get(NAME) == str(tmp_path)
    assert config.workflows_dir() == tmp_path
    monkeypatch.setenv(NAME, "")  # set but empty: the shipped folder, as before
    assert config._setting(NAME) == ""
    assert config.workflows_dir() == config.shipped_workflows_dir()
    monkeypatch.setenv(NAME, "/tmp/th\u1ee9-m\u1ee5c")  # not ASCII: decoded as os.environ decodes it
    assert config._setting(NAME) == os.environ.get(NAME)
    monkeypatch.delenv(NAME)
    assert config._setting(NAME) is None
    for name in ("PATH", "AUCTION_FLOW_NOT_A_SETTING"):
        assert config._setting(name) == os.environ.get(name)
