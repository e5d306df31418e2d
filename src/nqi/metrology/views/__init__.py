"""Pages of the metrology module, one module per area; each exports ``urlpatterns``."""
