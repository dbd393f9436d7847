# The creditfile API. Neo4j runs beside it (docker-compose.yml); NEO4J_URI points at it.
# The front-end libraries served at /static, installed by npm from the lockfile (no CDN at run time).
FROM node:20-slim AS web
WORKDIR /web
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
WORKDIR /app
COPY --from=web /web/node_modules ./node_modules
ENV CREDITFILE_NODE_MODULES=/app/node_modules
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
