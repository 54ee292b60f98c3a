{{ staging_collection('post', 'youtube') }}
