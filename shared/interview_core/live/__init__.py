"""The live interview channel (`/ws/interview`): one JSON protocol (protocol.py), one transport-independent
implementation (channel.py), two transports: FastAPI's WebSocket route locally (api/routes/live_ws.py) and
an API Gateway WebSocket API in AWS (lambda_handlers.py). See docs/live-channel.md."""
