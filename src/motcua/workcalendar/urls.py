from django.urls import path

from motcua.workcalendar import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.current_year, name="index"),
    path("<int:year>/", views.year, name="year"),
]
