{{ staging_collection('profile', 'youtube') }}
