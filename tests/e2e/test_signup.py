"""The sign-up journey through the gateway: register, read the code from the mail catcher, verify,
log in, and use the token (issue: sign-up journey end to end)."""
import base64
import json
import socket
import time
import urllib.parse

from agora_http import ADMIN_EMAIL, ADMIN_PASSWORD, GATEWAY, call, unique_email, verification_code, wait_for_mail, mails_to


# Not on auth's list of common passwords, which registration refuses.
PASSWORD = "violet-harbor-42"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def oversized_body_status(path, size=2 * 1024 * 1024):
    """Announces a body over the limit and reads the answer without sending the body: the gateway must
    refuse it from the headers alone (a client still sending would only see its connection closed)."""
    url = urllib.parse.urlparse(GATEWAY)
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {size}\r\n\r\n".encode())
        status_line = s.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def signed_up_user():
    email = unique_email()
    res = call("POST", "/auth/register", {"email": email, "password": PASSWORD})
    assert res.status == 201, res.body
    mail = wait_for_mail(email, "[Agora] Email Verification")
    code = verification_code(mail)
    res = call("POST", "/auth/verify", {"email": email, "verification_token": code})
    assert res.status == 200, res.body
    res = call("POST", "/auth/login", {"email": email, "password": PASSWORD})
    assert res.status == 200, res.body
    return email, res.json()["data"]["access_token"]


def test_register_answers_the_contract_shape():
    email = unique_email()
    res = call("POST", "/auth/register", {"email": "  " + email.upper() + " ", "password": PASSWORD})
    assert res.status == 201, res.body
    data = res.json()["data"]
    assert data["email"] == email
    assert data["is_verified"] is False
    assert data["created_at"].endswith("Z")
    assert res.headers["X-Request-ID"]


def test_full_signup_journey_and_the_verified_mail():
    email, token = signed_up_user()
    header, payload, _ = token.split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "=="))["alg"] == "EdDSA"
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    assert claims["email"] == email and claims["role"] == "customer" and "exp" in claims
    mail = wait_for_mail(email, "[Agora] Account Verified")
    assert mail["From"]["Address"] == "no-reply@agora.local"


def test_verification_mail_is_html_and_text_and_mentions_expiry():
    email = unique_email()
    assert call("POST", "/auth/register", {"email": email, "password": PASSWORD}).status == 201
    mail = wait_for_mail(email, "[Agora] Email Verification")
    assert "10 minutes" in mail["Text"]
    assert "<" in mail["HTML"]
    assert len([m for m in mails_to(email) if m["Subject"] == "[Agora] Email Verification"]) == 1


def test_the_gateway_accepts_the_token_and_refuses_forgeries():
    _, token = signed_up_user()
    # The order service may not run yet: anything but 401 shows the token was accepted.
    assert call("GET", "/orders", token=token).status != 401
    assert call("GET", "/orders").status == 401
    header, payload, sig = token.split(".")
    forged_payload = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged_payload["role"] = "admin"
    tampered = f"{header}.{b64url(json.dumps(forged_payload).encode())}.{sig}"
    assert call("GET", "/orders", token=tampered).status == 401
    none = f"{b64url(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{payload}."
    assert call("GET", "/orders", token=none).status == 401
    assert call("POST", "/products", {"name": "x"}, token=token).status == 403


def test_the_local_admin_is_seeded():
    res = call("POST", "/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert res.status == 200, res.body
    token = res.json()["data"]["access_token"]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["role"] == "admin"


def test_wrong_code_then_right_code():
    email = unique_email()
    assert call("POST", "/auth/register", {"email": email, "password": PASSWORD}).status == 201
    code = verification_code(wait_for_mail(email, "[Agora] Email Verification"))
    wrong = "000000" if code != "000000" else "111111"
    res = call("POST", "/auth/verify", {"email": email, "verification_token": wrong})
    assert res.status == 400 and res.json()["message"] == "token is wrong"
    assert call("POST", "/auth/verify", {"email": email, "verification_token": code}).status == 200
    res = call("POST", "/auth/verify", {"email": email, "verification_token": code})
    assert res.json()["message"] == "user already verified"


def test_bad_input_gets_the_contract_messages():
    res = call("POST", "/auth/register", raw=b'{"email":', headers={"Content-Type": "application/json"})
    assert (res.status, res.json()["message"]) == (400, "invalid JSON syntax")
    res = call("POST", "/auth/register", {"email": 5, "password": PASSWORD})
    assert (res.status, res.json()["message"]) == (400, "invalid value for email")
    res = call("POST", "/auth/register", {"email": "a" * 1000 + "@b.io", "password": PASSWORD})
    assert res.status == 400 and res.json()["errors"][0]["field"] == "email"
    res = call("POST", "/auth/register", {"email": unique_email(), "password": "p" * 129})
    assert res.json()["errors"] == [{"field": "password", "message": "password length or value 128 must be at most"}]
    assert oversized_body_status("/auth/register") == 413
    assert call("GET", "/mail/send").status == 404


def test_common_and_local_part_passwords_are_refused_with_the_reason():
    email = unique_email("rosalind")
    res = call("POST", "/auth/register", {"email": email, "password": "Password123"})
    assert res.status == 400, res.body
    assert res.json()["errors"] == [{"field": "password", "message": "password is too common"}]
    res = call("POST", "/auth/register", {"email": email, "password": email.split("@")[0].upper()})
    assert res.status == 400, res.body
    assert res.json()["errors"] == [
        {"field": "password", "message": "password must not be the part of the email before @"}]
    assert call("POST", "/auth/register", {"email": email, "password": PASSWORD}).status == 201


def test_wrong_passwords_slow_down_then_lock_out_the_guessing_address():
    """Every request here comes from one address (the gateway forwards the TCP peer's), so this is the
    guesser's view: short, growing waits between failures, then a lock on this account for this address."""
    email, _ = signed_up_user()
    waits = []
    failures = 0
    while failures < 5:
        res = call("POST", "/auth/login", {"email": email, "password": "not-" + PASSWORD})
        if res.status == 429:
            wait = int(res.headers["Retry-After"])
            assert 1 <= wait <= 8, wait
            waits.append(wait)
            time.sleep(wait)
            continue
        assert (res.status, res.json()["message"]) == (400, "email or password is incorrect")
        failures += 1
    assert sorted(set(waits)) == [1, 2], waits  # after the 3rd and 4th failures; the 5th locks
    # Locked now, even with the right password, until the window ends.
    res = call("POST", "/auth/login", {"email": email, "password": PASSWORD})
    assert (res.status, res.json()["message"]) == (429, "too many requests")
    assert int(res.headers["Retry-After"]) > 60
