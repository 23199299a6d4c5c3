using OfflinePortal.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddOfflinePortal();

var app = builder.Build();
app.MapOfflinePortal();
app.Run();
