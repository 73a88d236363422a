#!/usr/bin/env python3
"""Plays a few weeks of a region's work against a running platform (make run), through the gateway as its users
would: partner referrals with equality answers, staff accepting them, notes with durations, and some cases closed
with outcomes. Enough people on each demo pathway that the funder report shows figures instead of "<5".

    python3 scripts/demo-activity.py [--gateway http://127.0.0.1:5000] [--people 14]

Every run adds new people (names carry a run number); nothing is changed or removed.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PATHWAYS = {
    # pathway: (accepting caseworker, partner client, outcomes to close with, screening answers)
    "housing-support": ("alice", "partner-shelter", ["secured-tenancy", "homelessness-prevented", "referred-on"],
                        {"in-area": "yes", "housing-need": "yes"}),
    "employment-programme": ("bola", "partner-jobcentre", ["entered-employment", "entered-training", "volunteering"],
                             {"right-to-work": "yes"}),
}
NOTE_TYPES = [("Appointment", 60), ("PhoneCall", 15), ("HomeVisit", 90), ("Message", 5), ("Supervision", 30)]
GIVEN = ["Amara", "Ben", "Chloe", "Dev", "Eilidh", "Farah", "George", "Hana", "Idris", "Jade", "Kofi", "Lena", "Marek", "Nia",
         "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tomasz"]
FAMILY = ["Adams", "Boateng", "Chen", "Davies", "Evans", "Fraser", "Ghosh", "Hughes", "Iqbal", "Jones", "Kowalski", "Lewis",
          "Murphy", "Nowak", "Okoro", "Patel", "Quigley", "Roberts", "Singh", "Taylor"]
POSTCODES = ["M1 2AB", "M4 6JT", "M8 0QD", "M13 9PL", "M14 5RT", "M20 2RN", "SK4 1AA", "OL1 3BE"]
GENDERS = ["Woman", "Man", "Non-binary", "Prefer not to say"]
ETHNICITIES = ["Asian or Asian British", "Black, Black British, Caribbean or African", "Mixed or multiple ethnic groups", "White",
               "Another ethnic group"]
DISABILITIES = ["Yes", "No", "Prefer not to say"]


def call(gateway, method, path, token=None, body=None, headers=None, form=None):
    data = None
    request_headers = dict(headers or {})
    if token:
        request_headers["Authorization"] = f"Bearer {token}"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        request_headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        request_headers["Content-Type"] = "application/json"
    request = urllib.request.Request(gateway + path, data=data, method=method, headers=request_headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text else None), response.headers
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        raise SystemExit(f"{method} {path}: {error.code} {text[:400]}")


def staff_token(gateway, user):
    environment = {**os.environ, "CASEWORK_GATEWAY": gateway}
    return subprocess.run([str(REPO / "scripts" / "staff-token.sh"), user], check=True, capture_output=True, text=True,
                          env=environment).stdout.strip()


def partner_token(gateway, client):
    _, token, _ = call(gateway, "POST", "/connect/token", form={
        "grant_type": "client_credentials", "client_id": client, "client_secret": f"{client}-demo-secret",
        "scope": "intake.referrals.write intake.referrals.read"})
    return token["access_token"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", default="http://127.0.0.1:5000")
    parser.add_argument("--people", type=int, default=14, help="people referred to each pathway (default 14)")
    args = parser.parse_args()
    gateway = args.gateway.rstrip("/")
    run = random.randrange(1000, 9999)
    rng = random.Random(run)
    tokens = {user: staff_token(gateway, user) for user in {"alice", "bola"}}
    opened = closed = notes = 0

    for pathway, (worker, partner, outcomes, screening) in PATHWAYS.items():
        portal = partner_token(gateway, partner)
        for i in range(args.people):
            person = {
                "givenName": rng.choice(GIVEN), "familyName": f"{rng.choice(FAMILY)}-{run}{i:02d}",
                "dateOfBirth": (date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))).isoformat(),
                "email": f"demo{run}{i:02d}.{pathway[:3]}@example.org", "postcode": rng.choice(POSTCODES),
                "gender": rng.choice(GENDERS), "ethnicity": rng.choice(ETHNICITIES), "disability": rng.choice(DISABILITIES),
            }
            _, referral, _ = call(gateway, "POST", "/api/intake/referrals", portal, {
                "person": person, "reason": "Needs support (demo activity).", "requestedPathwayId": pathway,
                "concernLevel": rng.choice(["Low", "Medium", "Medium", "High"]),
                "consent": {"given": True, "scope": "Share my details with the team"},
            }, headers={"Idempotency-Key": f"demo-{run}-{pathway}-{i}"})
            accept = {"pathwayId": pathway}
            if screening:
                accept["screening"] = {"answers": screening}
            call(gateway, "POST", f"/api/intake/referrals/{referral['id']}/accept", tokens[worker], accept)
            case_id = wait_for_case(gateway, tokens[worker], referral["id"])
            opened += 1
            for _ in range(rng.randrange(1, 4)):
                kind, minutes = rng.choice(NOTE_TYPES)
                call(gateway, "POST", f"/api/notes/cases/{case_id}/notes", tokens[worker], {
                    "type": kind, "durationMinutes": minutes, "body": f"{kind} with {person['givenName']} (demo activity)."})
                notes += 1
            if i % 3 != 2:  # two in three close with an outcome
                _, _, headers = call(gateway, "GET", f"/api/cases/{case_id}", tokens[worker])
                call(gateway, "POST", f"/api/cases/{case_id}/close", tokens[worker], {
                    "reason": "Goals achieved", "outcomes": [rng.choice(outcomes)], "summary": "Closed by the demo activity."},
                    headers={"If-Match": headers["ETag"]})
                closed += 1
    print(f"demo activity {run}: {opened} cases opened, {notes} notes, {closed} closed with outcomes")


def wait_for_case(gateway, token, referral_id):
    """The case opens from the acceptance through events, within moments: wait for Intake to link it."""
    for _ in range(100):
        _, referral, _ = call(gateway, "GET", f"/api/intake/referrals/{referral_id}", token)
        if referral.get("caseId"):
            return referral["caseId"]
        time.sleep(0.1)
    raise SystemExit(f"referral {referral_id} opened no case within 10 s")


if __name__ == "__main__":
    sys.exit(main())
