"""Test infrastructure: throwaway databases for the test session."""
