# The Rounds image: one image for `npm run migrate`, `npm run web` and `npm run worker`
# (docker-compose.yml picks the command, run directly rather than through npm, which does not pass
# SIGTERM on). TypeScript runs through tsx, a runtime dependency,
# so there is no build step and dev dependencies stay out of the image.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
# npm ci's postinstall mends a dependency (see the script).
COPY scripts/patch-dependencies.mjs scripts/
RUN npm ci --omit=dev && npm cache clean --force

COPY . .

USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "server/web.ts"]
