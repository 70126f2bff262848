"""A card flow and an invoice flow against wechat-mock, through a client openapi-python-client
generated from docs/openapi.json (tests/tests/openapi_tools.rs generates it into a temporary
directory and runs this script).

    python flows.py PACKAGE_PARENT PACKAGE DOCUMENT BASE_URL    (token in $WECHAT_MOCK_ACCESS_TOKEN)

Each step checks the answer's generated type, not just its JSON. Prints one line per step;
exits non-zero (an AssertionError) at the first answer that is not what the flow expects.
"""

import importlib
import json
import os
import sys
import urllib.request

parent, package, document, base_url = sys.argv[1:5]
sys.path.insert(0, parent)
client_module = importlib.import_module(package)
api = lambda group, name: importlib.import_module(f"{package}.api.{group}.{group}_{name}")  # noqa: E731
models = importlib.import_module(f"{package}.models")

token = os.environ["WECHAT_MOCK_ACCESS_TOKEN"]
# The access token is the document's `access_token` query security scheme: every call's query.
client = client_module.Client(base_url=base_url, httpx_args={"params": {"access_token": token}})
spec = json.load(open(document, encoding="utf-8"))


def ok(answer, expected_type, what):
    assert isinstance(answer, expected_type), f"{what}: {type(answer).__name__}, not {expected_type.__name__}: {answer!r:.400}"
    errcode = answer.errcode if isinstance(answer.errcode, int) else 0
    assert errcode == 0, f"{what}: errcode {errcode}"
    print(f"ok {what}: {type(answer).__name__}")
    return answer


def refused(answer, code, what):
    # An error answer may also fit an answer type whose fields are all optional: judge the code.
    assert answer.errcode == code, f"{what}: expected errcode {code}, got {answer!r:.400}"
    print(f"ok {what}: refused with {code} ({type(answer).__name__})")


# The card flow: create a card from the document's own example, then read it back.
example = spec["paths"]["/card/create"]["post"]["requestBody"]["content"]["application/json"]["examples"]
body = next(iter(example.values()))["value"]
create = models.CardCreateCardCreateCardRequest.from_dict(body)
created = ok(api("card", "create_card").sync(client=client, body=create), models.CardCreateCardCreateCardResponse, "card.create_card")
card_id = created.card_id
assert isinstance(card_id, str) and card_id, f"card.create_card: card_id {card_id!r}"
got = ok(
    api("card", "get_card").sync(client=client, body=models.CardGetCardGetCardRequest(card_id=card_id)),
    models.CardGetCardGetCardResponse,
    "card.get_card",
)
card = got.card.to_dict()
assert card["card_type"] == body["card"]["card_type"], f"card.get_card: card_type {card['card_type']!r}"
title = body["card"][body["card"]["card_type"].lower()]["base_info"]["title"]
read_title = card[card["card_type"].lower()]["base_info"]["title"]
assert read_title == title, f"card.get_card: title {read_title!r}, created {title!r}"
print(f"ok card flow: {card_id} reads back as {card['card_type']} {title!r}")

# The invoice flow: the ticket, the authorization link, the order not yet authorized, the
# user authorizing it (the mock's user action), then its data.
# The shared setbizattr operation: the action in the query picks the body; the answer is
# `anyOf` the six actions' answers, so only its errcode is judged here.
contact = models.InvoiceSetContactSetContactRequest.from_dict({"contact": {"phone": "020-12345678", "time_out": 3600}})
answer = api("invoice", "setbizattr").sync(client=client, body=contact, action=models.InvoiceSetbizattrAction("set_contact"))
assert answer is not None and answer.errcode in (0, None), f"invoice.set_contact: {answer!r:.400}"
print(f"ok invoice.set_contact (setbizattr): {type(answer).__name__}")
ticket = ok(
    api("token", "get_card_api_ticket").sync(client=client, type_="wx_card"),
    models.TokenGetCardApiTicketGetCardApiTicketResponse,
    "token.get_card_api_ticket",
)
order = {"s_pappid": "wxplatform", "order_id": "openapi-flow-order-1"}
link = models.InvoiceGetAuthUrlGetAuthUrlRequest.from_dict(
    {**order, "money": 12300, "timestamp": 1700000000, "source": "web", "ticket": ticket.ticket, "type": 0}
)
url = ok(api("invoice", "get_auth_url").sync(client=client, body=link), models.InvoiceGetAuthUrlGetAuthUrlResponse, "invoice.get_auth_url")
assert url.auth_url.startswith("http"), f"invoice.get_auth_url: auth_url {url.auth_url!r}"
data_request = models.InvoiceGetAuthDataGetAuthDataRequest.from_dict(order)
refused(api("invoice", "get_auth_data").sync(client=client, body=data_request), 72038, "invoice.get_auth_data before authorizing")
act = urllib.request.Request(
    f"{base_url}/__mock/user/invoice/authorize_invoice", data=json.dumps(order).encode(), method="POST",
    headers={"content-type": "application/json"},
)
with urllib.request.urlopen(act) as answer:
    assert answer.status == 200, f"the user action: HTTP {answer.status}"
data = ok(api("invoice", "get_auth_data").sync(client=client, body=data_request), models.InvoiceGetAuthDataGetAuthDataResponse, "invoice.get_auth_data")
assert data.invoice_status == "auth success", f"invoice.get_auth_data: invoice_status {data.invoice_status!r}"
print("ok invoice flow: order authorized, its data read")
