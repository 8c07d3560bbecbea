from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def search(request: HttpRequest) -> HttpResponse:
    return render(request, "core/module_empty.html", {"module": None})
