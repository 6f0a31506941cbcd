"""Three views: the home page (shows what the Node site wrote), login and logout."""
from django.contrib.auth import authenticate, login, logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_POST

PAGE = engines["django"].from_string(
    """<!doctype html><title>Django</title>
<h1>Django site</h1>
{% if user.is_authenticated %}
  <p>Logged in as <b>{{ user.username }}</b> (user {{ user.pk }}).</p>
  <form method="post" action="/logout/">{% csrf_token %}<button>Log out</button></form>
{% else %}
  <form method="post" action="/login/">{% csrf_token %}
    <input name="username" value="alice"> <input name="password" type="password" value="wonderland">
    <button>Log in</button> {{ error }}
  </form>
{% endif %}
<p>Visits counted by Django: {{ django_visits }}. Visits counted by the Node site: {{ node_visits }}.</p>
<p><a href="http://{{ host }}:3000/">Go to the Node site</a></p>"""
)


def home(request, error="", status=200):
    session = request.session
    session["django_visits"] = session.get("django_visits", 0) + 1
    context = {
        "user": request.user,
        "django_visits": session["django_visits"],
        "node_visits": session.get("node_visits", 0),
        "host": request.get_host().split(":")[0],
        "error": error,
    }
    return HttpResponse(PAGE.render(context, request), status=status)


@require_POST
def login_view(request):
    user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
    if user is None:
        return home(request, "Wrong username or password.", status=401)
    login(request, user)
    return redirect("/")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("/")


urlpatterns = [path("", home), path("login/", login_view), path("logout/", logout_view)]
