namespace UmhActors;
