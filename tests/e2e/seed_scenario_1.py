import requests
import json

BASE_URL = "http://localhost:8000"

# Start technical interview
response = requests.post(f"{BASE_URL}/start-interview", json={
    "topic": "System Design",
    "difficulty": "hard",
    "num_questions": 3
})

session_data = response.json()
session_id = session_data["session_id"]
print(f"First question: {session_data['current_question']}")

# Answer questions
answers = [
    "Load balancing distributes incoming requests across multiple servers to ensure no single server is overwhelmed.",
    "Microservices architecture breaks down applications into small, independent services that communicate via APIs.",
    "Caching improves performance by storing frequently accessed data in fast storage layers like Redis or Memcached."
]

for answer in answers:
    response = requests.post(f"{BASE_URL}/submit-answer", json={
        "session_id": session_id,
        "answer": answer
    })
    
    result = response.json()
    if result["status"] == "completed":
        print(f"Interview complete! Feedback: {result['feedback']}")
        break
    else:
        print(f"Next question: {result['next_question']}")
