def estimate(image):
    return []
