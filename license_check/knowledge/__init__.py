"""Knowledge: the reviewed license data of rules/, loaded and checked."""
