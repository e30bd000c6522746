"""Assertions and clients shared by the test modules."""


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
