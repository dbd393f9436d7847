# The creditfile API. Neo4j runs beside it (docker-compose.yml); NEO4J_URI points at it.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md settings.py ./
COPY api ./api
COPY graph ./graph
COPY loaders ./loaders
COPY queries ./queries
RUN pip install --no-cache-dir . && creditfile assets
ENV CREDITFILE_HOME=/app/.creditfile
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["creditfile", "serve", "--host", "0.0.0.0", "--port", "8000"]
