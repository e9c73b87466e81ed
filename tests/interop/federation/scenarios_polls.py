"""Checks 16a, 16b: polls with the Fedify peer, both ways (Questions, votes as Notes, tallies
back by Update), with polly@ours.test and pat@peer.test, who follow each other for it."""
from harness import Fail, as_list, oid, wait_for

POLL_MEMBER = "polly"


def poll_checks(C, ours, peer):
    S = C.state
    POLLY = f"{ours.base}/users/{POLL_MEMBER}"
    PAT = peer.user_actor("pat")

    def c16a():
        # pat follows polly; polly asks; pat receives the Question and votes; the count comes
        # back to pat in an Update of the Question.
        peer.call("POST", "follow", {"target": f"acct:{POLL_MEMBER}@ours.test", "as": "pat"})
        wait_for("pat's follow of polly is accepted",
                 lambda: peer.call("GET", "following", {"as": "pat"}).get(POLLY) == "accepted")
        status = ours.api(POLL_MEMBER, "POST", "/api/v1/statuses", json={
            "status": "tea or coffee?", "visibility": "public",
            "poll": {"options": ["tea", "coffee"], "expires_in": 3600}})
        uri, poll_id = status["uri"], status["poll"]["id"]
        create = wait_for("peer.test receives polly's Question",
                          lambda: peer.find("Create", lambda a: oid(a["object"]) == uri))
        question = create["object"]
        if question.get("type") != "Question":
            raise Fail(f"the object is a {question.get('type')}, not a Question")
        names = [o.get("name") for o in as_list(question.get("oneOf"))]
        if names != ["tea", "coffee"]:
            raise Fail(f"oneOf names {names}")
        peer.call("POST", "vote", {"object": uri, "choice": "coffee", "as": "pat"})
        wait_for("ours counts pat's vote",
                 lambda: ours.api(POLL_MEMBER, "GET", f"/api/v1/polls/{poll_id}")["options"][1]["votes_count"] == 1)

        def tally_back():
            for a in peer.received():
                obj = a.get("object") if isinstance(a.get("object"), dict) else {}
                if a.get("type") == "Update" and obj.get("id") == uri:
                    counts = {o.get("name"): (o.get("replies") or {}).get("totalItems") for o in as_list(obj.get("oneOf"))}
                    if counts.get("coffee") == 1:
                        return counts
            return None
        wait_for("peer.test receives the Update of the Question with coffee at 1", tally_back)
    C.run("16a polly's poll reaches pat@peer.test as a Question; pat's vote is counted; the tally comes back by Update", c16a)

    def c16b():
        # polly follows pat; pat asks; polly votes through the API; pat receives the vote.
        acct = ours.resolve(POLL_MEMBER, "@pat@peer.test")
        ours.api(POLL_MEMBER, "POST", f"/api/v1/accounts/{acct['id']}/follow")
        wait_for("polly follows pat", lambda: ours.relationship(POLL_MEMBER, acct["id"])["following"])
        asked = peer.call("POST", "poll", body={"as": "pat", "content": "cats or dogs?", "options": ["cats", "dogs"]})
        status = wait_for("ours stores pat's poll", lambda: ours.known_status(POLL_MEMBER, asked["id"]))
        poll = status.get("poll") or {}
        if [o["title"] for o in poll.get("options", [])] != ["cats", "dogs"] or poll.get("multiple"):
            raise Fail(f"the poll as ours shows it: {poll}")
        voted = ours.api(POLL_MEMBER, "POST", f"/api/v1/polls/{poll['id']}/votes", json={"choices": [1]})
        if voted.get("own_votes") != [1]:
            raise Fail(f"own_votes after voting: {voted.get('own_votes')}")
        wait_for("pat receives polly's vote (a Note named dogs, in reply to the Question)",
                 lambda: peer.find("Create", lambda a: oid(a["actor"]) == POLLY
                                   and a["object"].get("name") == "dogs"
                                   and oid(a["object"].get("inReplyTo")) == asked["id"]))
        wait_for("pat's poll counts it",
                 lambda: peer.call("GET", "polls").get(asked["id"], {}).get("counts") == [0, 1])
        S["polls_done"] = True
    C.run("16b pat@peer.test's poll reaches polly; polly's vote reaches pat as a Note and is counted", c16b)
    return PAT
