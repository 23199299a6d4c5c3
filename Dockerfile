# syntax=docker/dockerfile:1
# Multi-stage build of the OfflinePortal web app (linux-x64, framework-dependent).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Node builds the front-end libraries (leaflet, esri-leaflet, leaflet-geoman) into wwwroot/lib.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Restore layers first so that they stay cached while only sources change.
COPY Directory.Build.props Directory.Packages.props .editorconfig OfflinePortal.sln ./
COPY OfflinePortal.Core/OfflinePortal.Core.csproj OfflinePortal.Core/
COPY OfflinePortal.SamplePortal/OfflinePortal.SamplePortal.csproj OfflinePortal.SamplePortal/
COPY OfflinePortal.Web/OfflinePortal.Web.csproj OfflinePortal.Web/
RUN dotnet restore OfflinePortal.Web/OfflinePortal.Web.csproj -r linux-x64
COPY OfflinePortal.Web/package.json OfflinePortal.Web/package-lock.json OfflinePortal.Web/
RUN cd OfflinePortal.Web && npm ci --no-audit --no-fund --loglevel=error

COPY . .
RUN dotnet publish OfflinePortal.Web/OfflinePortal.Web.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app ./
# Data (the portal's SQLite database, the sample portal's data) and packages live on a volume.
ENV ASPNETCORE_URLS=http://+:8080 \
    Portal__DataDirectory=/data \
    SamplePortal__DataDirectory=/data/sample-portal
RUN mkdir -p /data && chown -R app:app /data
VOLUME ["/data"]
USER app
EXPOSE 8080
ENTRYPOINT ["dotnet", "OfflinePortal.Web.dll"]
