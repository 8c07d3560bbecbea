"""Pages of the local e-ID simulator (``/dinh-danh/mo-phong-vneid/…``), the provider half.

Served only while ``EID_PROVIDER=simulator`` (never in production, see settings).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tinhso.identity.citizen_id import mask_citizen_id
from tinhso.identity.eid import default_redirect_uri
from tinhso.identity.eid import simulator as sim
from tinhso.identity.models import SyntheticResident

AUTHORIZE_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)
# Residents named in docs/identity.md, offered first so a tester need not search.
SUGGESTED = ("038190123456", "038085654321", "038301246810")


def _enabled() -> None:
    if settings.EID_PROVIDER != "simulator":
        raise Http404(_("Trình mô phỏng VNeID không được bật."))


@require_GET
def openid_configuration(request: HttpRequest) -> JsonResponse:
    _enabled()
    return JsonResponse(sim.metadata(request))


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    _enabled()
    return JsonResponse(sim.public_jwks())


@csrf_exempt  # server-to-server; the client authenticates with its secret
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    _enabled()
    status, body = sim.token_response(
        form={k: str(v) for k, v in request.POST.items()},
        authorization=request.headers.get("Authorization", ""),
        issuer=sim.issuer_for(request),
    )
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """The consent page: pick a synthetic resident and agree (or refuse) to share."""
    _enabled()
    source = request.POST if request.method == "POST" else request.GET
    params = {name: str(source.get(name, ""))[:500] for name in AUTHORIZE_PARAMS}
    try:
        sim.check_authorize_request(params, expected_redirect_uri=default_redirect_uri(request))
    except sim.AuthorizeRequestError as exc:
        return render(
            request,
            "identity/eid_simulator.html",
            {"bad_request": str(exc), "params": params},
            status=400,
        )
    back = params["redirect_uri"]
    if request.method == "POST":
        if request.POST.get("action") == "deny":
            query = urlencode({"error": "access_denied", "state": params["state"]})
            return HttpResponseRedirect(f"{back}?{query}")
        resident = SyntheticResident.objects.filter(
            citizen_id=request.POST.get("citizen_id", "")
        ).first()
        if resident is not None:
            code = sim.grant_create(resident=resident, params=params)
            return HttpResponseRedirect(
                f"{back}?{urlencode({'code': code, 'state': params['state']})}"
            )
        error = _("Hãy chọn một người trong danh sách trước khi đồng ý.")
    else:
        error = ""
    q = request.GET.get("q", "").strip()[:100] if request.method == "GET" else ""
    if q:
        found = SyntheticResident.objects.filter(
            Q(citizen_id__startswith=q.replace(" ", "")) | Q(full_name__icontains=q)
        ).order_by("full_name", "citizen_id")[:10]
    else:
        found = SyntheticResident.objects.filter(citizen_id__in=SUGGESTED).order_by("citizen_id")
    residents = [{"r": r, "masked": mask_citizen_id(r.citizen_id)} for r in found]
    return render(
        request,
        "identity/eid_simulator.html",
        {"params": params, "residents": residents, "q": q, "error": error},
        status=400 if error else 200,
    )
