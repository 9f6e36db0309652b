from django.urls import path

from library import views

app_name = "library"
urlpatterns = [
    path("", views.resource_list, name="list"),
    path("<slug:slug>/download/", views.download, name="download"),
    path("<slug:slug>/cover/", views.cover, name="cover"),
]
