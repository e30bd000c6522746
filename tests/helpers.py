"""Assertions, clients and set-ups shared by the test modules."""


def assert_error_shape(response, status: int) -> dict:
    """Check the project's one error shape and return its inner object."""
    assert response.status_code == status, response.data
    assert response.is_json, response.data
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"status", "code", "message", "fields"}
    return error


class StaffClient:
    """A test client that sends the staff token to the staff API: `staff.post("/businesses")`."""

    def __init__(self, client, token: str):
        self._client, self._token = client, token

    def __getattr__(self, method):
        from directory.admin import URL_PREFIX

        def call(path, **kwargs):
            headers = {"Authorization": f"Bearer {self._token}", **kwargs.pop("headers", {})}
            return getattr(self._client, method)(URL_PREFIX + path, headers=headers, **kwargs)
        return call


def staff(client, token, method, path, **kwargs):
    """One staff API call with `token`: staff(client, token, "post", "/businesses", json=...)."""
    return getattr(StaffClient(client, token), method)(path, **kwargs)


def spend_the_search_budget(index, monkeypatch) -> None:
    """Make the next searches start past their deadline, as on a loaded machine, where
    Whoosh ranks (the numpy ranker has no deadline: it never stops early)."""
    from directory.search import execution

    monkeypatch.setattr(execution.SearcherState, "ranker", lambda state: None)
    monkeypatch.setattr(execution, "MIN_TIME_SLICE", -1.0)
    monkeypatch.setattr(index, "time_limit", -1.0)
